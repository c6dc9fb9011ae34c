// A GW_AUTH_BAD_SIGNATURE seen from the signing side
// (gateway/README.md#when-the-signature-does-not-match). The gateway's 401 carries the
// string-to-sign it computed (`stringToSign`); the client knows the one it signed, so it can name
// the line that differs — a path that fetch re-encoded, a body a proxy serialised again — or, when
// none does, say that the secret is what differs. Nothing is thrown here: GatewayClient returns
// every answer, and hands this error on the response for the caller to throw or log.
import { STRING_TO_SIGN_LINES } from './signing.ts';

export interface DifferingLine {
  /** 1-based, as the docs count the lines. */
  readonly line: number;
  /** "method", "path", "canonical query", "timestamp", "nonce" or "body digest". */
  readonly name: string;
  readonly signed: string;
  readonly gateway: string;
}

/** Long lines (a query) are cut in the message; the fields keep them whole. */
const SHOWN = 120;
const shown = (line: string) =>
  JSON.stringify(line.length > SHOWN ? `${line.slice(0, SHOWN)}…` : line);

function lineName(index: number): string {
  return STRING_TO_SIGN_LINES[index] ?? 'extra line';
}

export function differingLines(signed: string, gateway: string): DifferingLine[] {
  const mine = signed.split('\n');
  const theirs = gateway.split('\n');
  const out: DifferingLine[] = [];
  for (let i = 0; i < Math.max(mine.length, theirs.length); i++) {
    if (mine[i] === theirs[i]) continue;
    out.push({ line: i + 1, name: lineName(i), signed: mine[i] ?? '', gateway: theirs[i] ?? '' });
  }
  return out;
}

/** The gateway refused a signature; which of the six lines differ, if any. */
export class SignatureMismatchError extends Error {
  /** The string-to-sign this client signed. */
  readonly signedStringToSign: string;
  /** The string-to-sign the gateway computed from the request it received. */
  readonly gatewayStringToSign: string;
  /** Empty when the two are equal: then the secret differs. */
  readonly differingLines: readonly DifferingLine[];

  constructor(clientId: string, signedStringToSign: string, gatewayStringToSign: string) {
    const lines = differingLines(signedStringToSign, gatewayStringToSign);
    super(
      lines.length === 0
        ? `GW_AUTH_BAD_SIGNATURE: the gateway computed the string-to-sign this client signed, so ` +
            `the secret of ${clientId} differs from the gateway's`
        : `GW_AUTH_BAD_SIGNATURE: the string-to-sign differs from the gateway's on ` +
            lines
              .map(
                (d) =>
                  `line ${d.line} (${d.name}): signed ${shown(d.signed)}, the gateway computed ${shown(d.gateway)}`,
              )
              .join('; '),
    );
    this.name = 'SignatureMismatchError';
    this.signedStringToSign = signedStringToSign;
    this.gatewayStringToSign = gatewayStringToSign;
    this.differingLines = lines;
  }
}

/** The mismatch an answer reports, or undefined for any other answer. */
export function signatureMismatch(
  clientId: string,
  signedStringToSign: string,
  status: number,
  body: unknown,
): SignatureMismatchError | undefined {
  if (status !== 401 || typeof body !== 'object' || body === null) return undefined;
  const { code, stringToSign } = body as { code?: unknown; stringToSign?: unknown };
  if (code !== 'GW_AUTH_BAD_SIGNATURE' || typeof stringToSign !== 'string') return undefined;
  return new SignatureMismatchError(clientId, signedStringToSign, stringToSign);
}
