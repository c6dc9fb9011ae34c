// Mutations of a request's bytes, headers, path and method for the fuzz test: text corruption,
// charsets, Content-Encoding, signature and authentication headers, Idempotency-Key, paths.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { Rng } from './prng.ts';

// [bytes, label, refused?]
export const TEXT_MUTATIONS: (readonly [
  number,
  (r: Rng, text: string) => [Buffer, string, boolean?],
])[] = [
  [40, (_r, text) => [Buffer.from(text), 'text:as-is']],
  [3, (r, text) => [Buffer.from(text.slice(0, r.int(0, text.length - 1))), 'text:truncated', true]],
  [2, (_r, text) => [Buffer.from(`${text}}`), 'text:trailing-brace', true]],
  [2, (_r, text) => [Buffer.from(text.replace('"', "'")), 'text:single-quote', true]],
  [2, (_r, text) => [Buffer.from(`\ufeff${text}`), 'text:bom-prefix']],
  [2, (_r, text) => [Buffer.from(` \n\t${text}\r\n `), 'text:whitespace']],
  [
    2,
    (r, text) => {
      const bytes = Buffer.from(text);
      const at = r.int(0, bytes.length - 1);
      return [
        Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, 0xc3, 0x28]), bytes.subarray(at)]),
        'text:invalid-utf8',
      ];
    },
  ],
  [2, (_r, text) => [Buffer.from(text.replace(':"', ':"\u0001')), 'text:raw-control', true]],
  [1, (_r, text) => [Buffer.from(text, 'latin1'), 'text:latin1-bytes']],
  [1, () => [Buffer.alloc(0), 'text:empty', true]],
  [1, () => [Buffer.from('null'), 'text:null', true]],
  [1, () => [Buffer.from('[]'), 'text:array', true]],
];

// Content types the gateway reads (everything else is 415).
export const READABLE = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/vnd.swgw+json',
]);

export const CONTENT_TYPES: (readonly [number, string | undefined])[] = [
  [80, 'application/json'],
  [3, 'application/json; charset=utf-8'],
  [2, 'application/json; charset=utf-7'],
  [2, 'application/json; charset=latin1'],
  [2, 'application/json; charset=utf-16le'],
  [1, 'application/json; charset=gb18030'],
  [2, 'text/plain'],
  [1, 'application/x-www-form-urlencoded'],
  [1, 'application/vnd.swgw+json'],
  [1, 'multipart/form-data; boundary=x'],
  [2, undefined],
];

export const ENCODINGS: (readonly [
  number,
  (r: Rng, body: Buffer) => [Buffer, string | undefined],
])[] = [
  [88, (_r, body) => [body, undefined]],
  [2, (_r, body) => [gzipSync(body), 'gzip']],
  [1, (_r, body) => [deflateSync(body), 'deflate']],
  [1, (_r, body) => [brotliCompressSync(body), 'br']],
  [2, (_r, body) => [body, 'gzip (not gzip)']],
  [
    2,
    (r, body) => {
      const zipped = gzipSync(body);
      return [zipped.subarray(0, r.int(1, zipped.length - 1)), 'gzip (truncated)'];
    },
  ],
  [1, (_r, body) => [body, 'compress']],
  [1, (_r, body) => [gzipSync(body), 'gzip, br']],
  [1, (_r, body) => [body, 'identity']],
];

// ---- headers and paths --------------------------------------------------------------------

/** Returns its label; a label ending in '!' means the gateway must refuse the request. */
type HeaderMutation = (r: Rng, h: Record<string, string>) => string;

export const HEADER_MUTATIONS: (readonly [number, HeaderMutation | undefined])[] = [
  [70, undefined],
  [
    3,
    (r, h) => {
      const s = h['X-Gw-Signature']!;
      const i = r.int(0, s.length - 1);
      h['X-Gw-Signature'] = s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
      return 'sig:flipped!';
    },
  ],
  [
    2,
    (_r, h) => {
      h['X-Gw-Signature'] = h['X-Gw-Signature']!.toUpperCase();
      return 'sig:upper!';
    },
  ],
  [
    3,
    (r, h) => {
      const name = r.pick([
        'X-Gw-Client',
        'X-Gw-Timestamp',
        'X-Gw-Nonce',
        'X-Gw-Signature-Method',
        'X-Gw-Signature',
      ]);
      delete h[name];
      return `header:missing:${name}!`;
    },
  ],
  [
    2,
    (r, h) => {
      h['X-Gw-Timestamp'] = r.pick([
        '0',
        '-1',
        '1e9',
        '99999999999999',
        'now',
        String(Math.floor(Date.now() / 1000) - 3600),
      ]);
      return 'header:timestamp!';
    },
  ],
  [
    2,
    (r, h) => {
      h['X-Gw-Nonce'] = r.pick([
        'short',
        'x'.repeat(65),
        'has space in it 0123',
        'ünïcödé-nonce-0123'.normalize('NFKD').replace(/[^\x20-\x7e]/g, '?'),
      ]);
      return 'header:nonce!';
    },
  ],
  [
    2,
    (r, h) => {
      h['X-Gw-Signature-Method'] = r.pick(['HMAC-MD5', 'hmac-sha256', '']);
      return 'header:method!';
    },
  ],
  [
    2,
    (r, h) => {
      // Never the client that signed: naming it again would be no mutation (a signed read by
      // province-sc was once "refused" by province-sc and rightly answered 200).
      const signer = h['X-Gw-Client'];
      h['X-Gw-Client'] = r.pick(
        ['nobody', 'PORTAL-SC', 'operator-dev', 'province-sc', 'portal-sc'].filter(
          (id) => id !== signer,
        ),
      );
      return 'header:client!';
    },
  ],
  [
    3,
    (r, h) => {
      const key = r.pick([
        undefined,
        'short',
        'has a space in it',
        'x'.repeat(129),
        '?-shared-key',
        '',
      ]);
      if (key === undefined) delete h['Idempotency-Key'];
      else h['Idempotency-Key'] = key;
      return key === '?-shared-key' ? 'header:idempotency-key' : 'header:idempotency-key!';
    },
  ],
  [
    2,
    (r, h) => {
      h['X-Request-Id'] = r.pick(['portal-trace-000001', 'bad id', 'x'.repeat(300), '<script>']);
      return 'header:request-id';
    },
  ],
];

export const PATH_MUTATIONS: (readonly [number, string])[] = [
  [90, '/v1/cases'],
  [1, '/V1/cases'],
  [1, '/v1/Cases'],
  [1, '/v1/cases/'],
  [1, '/v1//cases'],
  [1, '/v1/cases?x=%zz'],
  [1, '/v1/cases?b=2&a=1&a=0'],
  [1, '/v1/cases/%zz'],
  [1, '/v1/cases;jsessionid=1'],
  [1, '/v1/cases%2F'],
];

export const METHODS: (readonly [number, string])[] = [
  [94, 'POST'],
  [2, 'PUT'],
  [2, 'PATCH'],
  [1, 'DELETE'],
  [1, 'GET'],
];

/** The path as fetch will send it (WHATWG URL), which is what the gateway sees and verifies. */
export function asSent(base: string, path: string): string {
  const url = new URL(path, base);
  return url.pathname + url.search;
}
