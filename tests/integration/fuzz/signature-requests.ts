// The requests the signature fuzz test sends (signature-fuzz.test.ts), built from a seeded
// generator so a failure replays: a real route (or none) whose path and query are spoiled with odd
// bytes — percent-encoding good and broken, raw non-ASCII bytes, control characters, `..`, `.`,
// `//`, backslashes, segments up to 12 000 characters, up to 150 query parameters — with a marker
// header the answer must never echo (and, a time in three, a header sent twice, with odd bytes,
// folded or long), signed over exactly the bytes sent or wrongly (another secret,
// a garbage signature, the path as a careless client decodes it, another body). Each request is
// the raw bytes of one HTTP/1.1 request: fetch would normalise what this test must send as is.
import {
  bodyDigest,
  sign,
  stringToSign,
  type SignatureMethod,
} from '../../../gateway/client/signing.ts';
import type { Rng } from './prng.ts';

export interface SignatureContext {
  clientId: string;
  secret: string;
  /** A case of clientId's, closed, so its routes answer. */
  caseId: string;
}

export type Signing =
  | 'right'
  | 'other-secret'
  | 'garbage'
  | 'decoded-path'
  | 'other-body'
  // Signed right, then X-Gw-Signature sent twice: Node joins the two with ', ', no signature.
  | 'duplicated';

export interface SignatureRequest {
  label: string[];
  method: 'GET' | 'POST';
  /** The request target as sent, one character a byte (latin1). */
  target: string;
  body: Buffer;
  /** The X-Gw-* headers and the marker, as sent. */
  headers: Record<string, string>;
  signing: Signing;
  signatureMethod: SignatureMethod;
  /** A value in a header of its own that no answer may contain. */
  marker: string;
  /** Header lines sent as they are after the others: duplicates, odd bytes, folding, length. */
  extraLines: string[];
}

const ROUTES: [string, string][] = [
  ['GET', '/v1/cases/{caseId}'],
  ['GET', '/v1/catalogue/items/SW-005'],
  ['GET', '/v1/divisions/530323'],
  ['GET', '/v1/stats/evaluations'],
  ['POST', '/v1/cases/{caseId}/evaluations'],
  ['GET', '/v1/no/such/route'],
];

// One character a byte: what Node's parser hands express for a byte of the request target.
const UTF8_AS_BYTES = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

const ODD_SEGMENTS: readonly (readonly [number, (r: Rng) => string])[] = [
  [4, () => '..'],
  [3, () => '.'],
  [4, () => ''], // an empty segment: `//`
  [3, () => '%2e%2e'],
  [2, () => '%2F'],
  [2, () => '%00'],
  [2, () => '%zz'],
  [2, () => '%'],
  [3, () => '%E7%A8%8E%E5%8A%A1'], // 税务, well encoded
  [1, () => UTF8_AS_BYTES('税务')], // 税务 as raw UTF-8 bytes: Node's parser refuses them
  [1, () => '\u00e9\u00ff\u0080'], // raw bytes that are no UTF-8
  [2, (r) => '\\'.repeat(r.int(1, 3))],
  [2, () => ';v=1'],
  [2, () => "~!$&'()*+,=:@"],
  [2, () => '"<>`^{|}'],
  [1, (r) => r.pick(['\u0001', '\u001f', '\u007f', '\t', ' ', '\r', '\n', '\u0000'])],
  [3, (r) => 'A'.repeat(r.int(200, 12_000))],
  [2, (r) => '%41'.repeat(r.int(100, 3000))],
];

const ODD_QUERY_PARTS: readonly (readonly [number, (r: Rng) => string])[] = [
  [4, (r) => `p${r.int(0, 9)}=${r.int(0, 99)}`],
  [2, () => 'a=1&a=1'],
  [2, () => 'x'],
  [2, () => '=v'],
  [2, () => 'a=b=c'],
  [2, () => 'a+b=c+d'],
  [3, () => 'q=%E7%A8%8E'],
  [1, () => `q=${UTF8_AS_BYTES('税')}`],
  [1, () => 'q=\u00ff\u00e9'],
  [2, () => 'q=%zz'],
  [1, () => '%=1'],
  [2, () => "q=~!$'()*,;:@/?"],
  [2, () => 'q="<>`^{|}[]'],
  [1, (r) => `q=${r.pick(['\u0001', '\u007f', '\t', '#frag', ' '])}`],
  [2, (r) => `long=${'z'.repeat(r.int(500, 12_000))}`],
  [1, (r) => `raw=${'\u00ff'.repeat(r.int(100, 2500))}`],
  // What encodeURIComponent writes as %XX: the canonical query's largest growth, 3 bytes a byte.
  [2, (r) => `esc=${'"<>`^{|}\\'.repeat(r.int(50, 1200))}`],
  [2, (r) => `bracket=${'['.repeat(r.int(100, 4000))}`],
  [1, () => 'X-Gw-Signature=0000'],
];

function oddPath(r: Rng, template: string, ctx: SignatureContext, label: string[]): string {
  const segments = template.replace('{caseId}', ctx.caseId).split('/');
  for (let n = r.int(0, 3); n > 0; n--) {
    const odd = r.weighted(ODD_SEGMENTS)(r);
    const at = r.int(1, segments.length);
    segments.splice(at, r.chance(0.3) ? 1 : 0, odd);
    label.push(`seg:${JSON.stringify(odd.slice(0, 8))}${odd.length > 8 ? `…${odd.length}` : ''}`);
  }
  return segments.join('/');
}

function oddQuery(r: Rng, label: string[]): string {
  const count = r.weighted([
    [4, 0],
    [4, r.int(1, 5)],
    [2, r.int(20, 150)],
  ] as const);
  if (count === 0) return '';
  const parts = Array.from({ length: count }, () => r.weighted(ODD_QUERY_PARTS)(r));
  label.push(`query:${count}`);
  return `?${parts.join('&')}`;
}

function signatureOver(
  signing: Signing,
  method: SignatureMethod,
  ctx: SignatureContext,
  parts: {
    method: string;
    path: string;
    rawQuery: string;
    ts: string;
    nonce: string;
    body: Buffer;
  },
  r: Rng,
): string {
  let path = parts.path;
  let body: Buffer = parts.body;
  let secret = ctx.secret;
  if (signing === 'garbage')
    return r.pick(['0'.repeat(64), 'zz', 'a'.repeat(4000), '\u00ff'.repeat(64), ctx.secret]);
  if (signing === 'other-secret') secret = `${ctx.secret}x`;
  if (signing === 'decoded-path') {
    try {
      path = decodeURIComponent(path);
    } catch {
      path = `${path}/`;
    }
    if (path === parts.path) path = `${path}/`;
  }
  if (signing === 'other-body') body = Buffer.concat([body, Buffer.from(' ')]);
  let text: string;
  try {
    text = stringToSign({
      method: parts.method,
      path,
      rawQuery: parts.rawQuery,
      timestamp: parts.ts,
      nonce: parts.nonce,
      bodyDigestHex: bodyDigest(method, body),
    });
  } catch {
    // A query that is not percent-encoding cannot be signed; the gateway refuses it first.
    text = 'unsignable';
  }
  return sign(method, secret, text);
}

export function signatureRequest(r: Rng, ctx: SignatureContext, index: number): SignatureRequest {
  const label: string[] = [];
  const [method, template] = r.pick(ROUTES) as ['GET' | 'POST', string];
  label.push(`${method} ${template}`);
  const path = oddPath(r, template, ctx, label);
  const query = oddQuery(r, label);
  const body =
    method === 'POST'
      ? Buffer.from(
          r.pick([
            '{"level":5,"rated":"handling"}',
            '{"level":1,"rated":"handling","comment":"\u00ff"}',
            '',
            `{"comment":"${'x'.repeat(r.int(0, 4000))}"}`,
          ]),
          'utf8',
        )
      : Buffer.alloc(0);
  const signing = r.weighted<Signing>([
    [5, 'right'],
    [2, 'other-secret'],
    [1, 'garbage'],
    [2, 'decoded-path'],
    [1, 'other-body'],
  ]);
  const signatureMethod: SignatureMethod = r.chance(0.3) ? 'HMAC-SM3' : 'HMAC-SHA256';
  label.push(`sign:${signing}`, signatureMethod);
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = `sigfuzz${index.toString(36).padStart(6, '0')}${Math.random().toString(36).slice(2, 12)}`;
  const marker = `marker-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
  const headers: Record<string, string> = {
    'X-Gw-Client': ctx.clientId,
    'X-Gw-Timestamp': ts,
    'X-Gw-Nonce': nonce,
    'X-Gw-Signature-Method': signatureMethod,
    'X-Gw-Signature': signatureOver(
      signing,
      signatureMethod,
      ctx,
      { method, path, rawQuery: query.slice(1), ts, nonce, body },
      r,
    ),
    'X-Fuzz-Marker': marker,
  };
  const extraLines: string[] = [];
  let sent = signing;
  if (r.chance(0.3)) {
    const odd = r.pick(['dup-signature', 'odd-bytes', 'long', 'folded', 'dup-client']);
    label.push(`header:${odd}`);
    if (odd === 'dup-signature') {
      extraLines.push(`X-Gw-Signature: ${headers['X-Gw-Signature']}`);
      sent = 'duplicated';
    } else if (odd === 'odd-bytes') extraLines.push(`X-Odd: \u00ff\u0080${marker}\u00e9`);
    else if (odd === 'long') extraLines.push(`X-Long: ${marker}${'h'.repeat(r.int(1000, 9000))}`);
    else if (odd === 'folded') extraLines.push(`X-Folded: ${marker}\r\n continued`);
    else {
      extraLines.push(`X-Gw-Client: ${ctx.clientId}`);
      sent = 'duplicated';
    }
  }
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    headers['Idempotency-Key'] = `sigfuzz-${index}-${nonce}`;
  }
  return {
    label,
    method,
    target: `${path}${query}`,
    body,
    headers,
    signing: sent,
    signatureMethod,
    marker,
    extraLines,
  };
}

/** The request as bytes on the wire: one character of the target a byte, as Node reads it. */
export function wireBytes(req: SignatureRequest, signature?: string) {
  const headers = { ...req.headers, 'X-Gw-Signature': signature ?? req.headers['X-Gw-Signature']! };
  // Signed again (with the string the gateway returned): one X-Gw-Signature, the new one.
  const extraLines = signature
    ? req.extraLines.filter((line) => !line.startsWith('X-Gw-Signature:'))
    : req.extraLines;
  const head =
    `${req.method} ${req.target} HTTP/1.1\r\nHost: gateway.test\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    extraLines.map((line) => `${line}\r\n`).join('') +
    `Content-Length: ${req.body.length}\r\nConnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), req.body]);
}
