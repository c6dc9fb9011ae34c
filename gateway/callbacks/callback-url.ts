// Which callback URLs the gateway will call. The gateway sits inside provincial networks, so a
// callback must not become a way to reach internal hosts (SSRF): in production only https to a
// host name or a public address; development and test also allow http and loopback (sandboxes).
import { isIP } from 'node:net';

const PRIVATE_V4 = [
  /^10\./,
  /^127\./,
  /^169\.254\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^192\.168\./,
  /^0\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

function isPrivateAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return PRIVATE_V4.some((r) => r.test(bare));
  if (isIP(bare) === 6) return /^(::1?|fc|fd|fe80)/i.test(bare) || bare.startsWith('::ffff:');
  return bare === 'localhost' || bare.endsWith('.localhost') || bare.endsWith('.internal');
}

/** Undefined when the URL may be called; otherwise why not. */
export function callbackUrlProblem(url: string, production: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.username || parsed.password) return 'must not carry credentials';
  if (!production)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:'
      ? undefined
      : 'must be http(s)';
  if (parsed.protocol !== 'https:') return 'must be https';
  if (isPrivateAddress(parsed.hostname)) return 'must not point at a private or loopback address';
  return undefined;
}
