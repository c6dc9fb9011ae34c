// Which callback URLs the gateway will call. The gateway sits inside provincial networks, so a
// callback must not become a way to reach internal hosts (SSRF): in production only https to a
// host name or a public unicast address; development and test also allow http and loopback
// (sandboxes). That judges the URL as written, at submission; callback-address.ts judges the
// addresses its host name resolves to, at delivery, by the same ranges. See
// gateway/README.md#callbacks.
import { BlockList, isIP } from 'node:net';

// Every special-purpose range of the IANA IPv4 and IPv6 registries that is not public unicast:
// this network, private, shared (CGN), loopback, link-local, documentation, benchmarking,
// multicast, reserved and broadcast; NAT64, 6to4, Teredo, ULA and link-local IPv6. IPv4-mapped
// IPv6 (::ffff:0:0/96) is judged as its IPv4 (isPublicAddress), not listed: BlockList checks an
// IPv4 address against IPv6 rules in its mapped form, so that range matched every IPv4 address.
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127], // :: and ::1
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

// ::ffff:a.b.c.d, as a resolver may answer it (dns.lookup's V4MAPPED hint) or as the URL parser
// writes it (::ffff:7f00:1).
const IPV4_MAPPED = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i;

/**
 * Whether a resolved address is public unicast, an IPv4-mapped IPv6 address judged as its IPv4
 * (a dual-stack socket connecting to it reaches that IPv4 host). Not an IP address: false.
 */
export function isPublicAddress(address: string): boolean {
  const mapped = IPV4_MAPPED.exec(address);
  if (mapped) {
    const [, dotted, high, low] = mapped;
    const v4 =
      dotted ??
      [
        parseInt(high!, 16) >> 8,
        parseInt(high!, 16) & 255,
        parseInt(low!, 16) >> 8,
        parseInt(low!, 16) & 255,
      ].join('.');
    return isIP(v4) === 4 && !NOT_PUBLIC.check(v4, 'ipv4');
  }
  const family = isIP(address);
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (family === 6) return !NOT_PUBLIC.check(address, 'ipv6');
  return false;
}

const INTERNAL_NAMES = /(^|\.)(localhost|internal|local|home\.arpa|localdomain)$/;

function isInternalHost(hostname: string): boolean {
  // The URL parser has already lower-cased the name and turned 127.1, 0x7f.1, 2130706433 into
  // dotted IPv4; a trailing dot names the same host. An IPv4-mapped address is refused as
  // written, whatever it maps: a portal writes the IPv4 itself.
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(host)) return IPV4_MAPPED.test(host) || !isPublicAddress(host);
  return INTERNAL_NAMES.test(host) || !host.includes('.');
}

/** Undefined when the URL may be called; otherwise why not. */
export function callbackUrlProblem(url: string, production: boolean): string | undefined {
  return callbackUrlRefusal(url, production)?.message;
}

// Each refusal in Chinese too: the submission's 422 names it per field in both languages, and its
// messageZh was "回调地址不允许" whatever the reason, so a portal reading Chinese could not tell
// credentials from http from a private address (found by a client written from README.md alone).
const REFUSALS = {
  notUrl: { message: 'is not a URL', messageZh: '回调地址不是合法的网址' },
  credentials: {
    message: 'must not carry credentials',
    messageZh: '回调地址不得包含用户名或密码',
  },
  http: { message: 'must be http(s)', messageZh: '回调地址必须以 http:// 或 https:// 开头' },
  https: { message: 'must be https', messageZh: '生产环境的回调地址必须使用 https' },
  internal: {
    message: 'must not point at a private or loopback address',
    messageZh: '回调地址不得指向内网、本机或其他非公网地址',
  },
} as const;

/** Undefined when the URL may be called; otherwise why not, in English and Chinese. */
export function callbackUrlRefusal(
  url: string,
  production: boolean,
): { message: string; messageZh: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REFUSALS.notUrl;
  }
  if (parsed.username || parsed.password) return REFUSALS.credentials;
  if (!production)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? undefined : REFUSALS.http;
  if (parsed.protocol !== 'https:') return REFUSALS.https;
  if (isInternalHost(parsed.hostname)) return REFUSALS.internal;
  return undefined;
}

/** The host (and port, when written) of a callback URL; undefined for one that does not parse. */
export function callbackHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
