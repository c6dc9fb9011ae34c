// The reference portal's settings (README.md#the-taxpayer-portal), from the environment, checked
// once and frozen, every problem reported together. The portal is a client of the gateway: it
// needs the gateway's URL, its own client id and secret (it signs every call and verifies every
// callback with that secret), and the URL the gateway can reach it at for callbacks. Production
// refuses the development secret and any callback URL the gateway would refuse (http, loopback).
// Its sessions and its record of cases live in a Redis of its own choosing (PORTAL_REDIS_URL),
// required in every mode: there is no in-memory fallback that a restart would wipe. The form values
// it keeps for a retry are personal data, sealed under its own data keys (PORTAL_DATA_KEYS, the
// gateway's format and rules: required in production, generated into .data/portal-data-keys in
// development and test) and kept PORTAL_CASE_RETENTION_DAYS.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/load-config.ts';
import {
  loadDataKeys,
  type DataKey,
  type DataKeyOrigin,
  type DataKeyRing,
} from '../../gateway/personal-data/data-keys.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { parseRedisTarget } from '../../gateway/shared/redis.ts';
import {
  natMapProblems,
  parseRedisNatMap,
  type RedisNatMap,
} from '../../gateway/shared/redis-nat-map.ts';
import { DEFAULT_TIMEOUT_MS } from '../../gateway/client/gateway-client.ts';
import { FIRST_RETRY_MS, MAX_RETRY_MS, MIN_RETRY_MS } from './gateway-backoff.ts';

export interface PortalConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly gatewayUrl: string;
  /** Deadline of each call to the gateway, ms: past it the page is answered 503 (gateway-link.ts). */
  readonly gatewayTimeoutMs: number;
  readonly clientId: string;
  readonly secret: string;
  /**
   * The secret this portal is rotating away from (PORTAL_CLIENT_PREVIOUS_SECRET): callbacks signed
   * with it are still accepted during the overlap, as the gateway accepts a client's previous
   * secret; never used to sign. Undefined: no rotation in progress.
   */
  readonly previousSecret: string | undefined;
  /**
   * Where the gateway posts callbacks: `<publicUrl>/callbacks/gateway`. Unset: the address the
   * portal listens on (development and tests only).
   */
  readonly publicUrl: string | undefined;
  /** Idle minutes before a session ends. */
  readonly sessionMinutes: number;
  /** The portal's Redis (redis://, rediss://, redis-sentinel://): its sessions and its record of cases. */
  readonly redisUrl: string;
  /**
   * PORTAL_REDIS_NAT_MAP: the reachable address of each address its Sentinels announce
   * (gateway/shared/redis-nat-map.ts); unset or empty, none.
   */
  readonly redisNatMap?: RedisNatMap;
  /** Prefix of every key the portal keeps there (portal-keys.ts). */
  readonly redisPrefix: string;
  /** The keys that seal the form values of its case records (portal-cases.ts). */
  readonly dataKeys: DataKeyRing;
  /** The key of the HMAC its Redis keys logins by (portal-keys.ts). */
  readonly loginKey: DataKey;
  /** Days a case record is kept after its submission. */
  readonly caseRetentionDays: number;
  /**
   * Believe X-Forwarded-For from a reverse proxy (express's `trust proxy`): set it behind one, or
   * every client has the proxy's address and shares its failed-login lock (login-lockout.ts).
   */
  readonly trustProxy: boolean;
  /**
   * Live case streams one logged-in enterprise may hold at once (session-fairness.ts): more are
   * answered 429 PORTAL_SESSION_BUSY, so no one login uses up the portal's gateway budget.
   */
  readonly sessionStreams: number;
  /**
   * Live case streams one logged-in enterprise may open a minute (the same): each opening reads
   * the case from the gateway, however soon the stream is closed again.
   */
  readonly sessionStreamOpeningsPerMinute: number;
  /** Payments, ratings and re-ratings one logged-in enterprise may send a minute (the same). */
  readonly sessionWritesPerMinute: number;
  /**
   * Reads that reach the gateway (a case, the payment form's item, a receipt) one logged-in
   * enterprise may make a minute (the same): each costs a gateway read.
   */
  readonly sessionReadsPerMinute: number;
  /**
   * Seconds a case may stay ROUTED (its province not taking it) before its page says so
   * (delivery-wait.ts): a delivery to a province that is up takes seconds.
   */
  readonly deliveryNoticeSeconds: number;
  /**
   * How often the portal looks whether its Redis came back without its data (portal-data-loss.ts),
   * ms: a loss is logged and on /readyz within this of the first look after Redis is back.
   */
  readonly dataLossCheckMs: number;
  /**
   * How long a case page first waits before it reads a case again that the gateway gave without a
   * Retry-After (unreachable, no answer in time), ms; it doubles while reads keep failing
   * (gateway-backoff.ts).
   */
  readonly gatewayRetryMs: number;
}

const PORTAL_KEYS: DataKeyOrigin = {
  variable: 'PORTAL_DATA_KEYS',
  developmentFile: '.data/portal-data-keys',
  rule: 'README.md#the-taxpayer-portal',
};
const LOGIN_KEY: DataKeyOrigin = {
  variable: 'PORTAL_LOGIN_KEY',
  developmentFile: '.data/portal-login-key',
  rule: 'README.md#the-taxpayer-portal',
  purpose: 'logins are stored only as their keyed digests',
};
/** The shipped client's default: a page waits no longer than this for the gateway. */
const GATEWAY_TIMEOUT_MS = DEFAULT_TIMEOUT_MS;
/** Longer than any page would be left waiting. */
const MAX_GATEWAY_TIMEOUT_MS = 120_000;
/** The gateway's GW_RECONCILE_INTERVAL_MS default and bounds, its look at its own mark. */
const DATA_LOSS_CHECK_MS = 2000;
const DATA_LOSS_CHECK_BOUNDS = [100, 600_000] as const;
/** The gateway's GW_CASE_RETENTION_DAYS default (config/settings-schema.ts). */
const CASE_RETENTION_DAYS = 365;
/**
 * PORTAL_SESSION_STREAMS: a browser holds at most 6 connections to one origin over HTTP/1.1, so
 * one clerk's case tabs cannot hold more than 6 streams; 10 leaves room for a second computer of
 * the same enterprise. PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE: a case page opens its stream once,
 * twice when it was refused (it asks why), and again after a dropped connection or a gateway that
 * could not be read (at least a second later, gateway-backoff.ts); 60 a minute is a case page
 * opened every second for a minute. PORTAL_SESSION_WRITES_PER_MINUTE: each payment, rating or re-rating is a
 * form filled by hand (a minute's work); 20 a minute is three every few seconds without a pause.
 * PORTAL_SESSION_READS_PER_MINUTE: a page reads the gateway at most once as it opens (a case page
 * only when its stream was refused or after a rating, the payment form its item, a receipt its
 * case); 120 a minute is two pages opened every second for a minute, by one clerk or a few.
 */
const SESSION_STREAMS = 10;
const SESSION_STREAM_OPENINGS_PER_MINUTE = 60;
const SESSION_WRITES_PER_MINUTE = 20;
const SESSION_READS_PER_MINUTE = 120;

export class PortalConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid portal configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PortalConfigError';
    this.problems = problems;
  }
}

/** A development client's secret from config/clients.dev.json (never in production). */
function devSecret(clientId: string): string | undefined {
  const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
    id: string;
    secret: string;
  }[];
  return clients.find((c) => c.id === clientId)?.secret;
}

function integer(value: string | undefined, fallback: number, name: string, problems: string[]) {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) problems.push(`${name} must be 0–65535`);
  return n;
}

/** A duration in whole ms within its bounds; the fallback when unset, else a problem added. */
function milliseconds(
  value: string | undefined,
  fallback: number,
  [min, max]: readonly [number, number],
  name: string,
  problems: string[],
): number {
  const ms = value ? Number(value) : fallback;
  if (!Number.isInteger(ms) || ms < min || ms > max)
    problems.push(`${name} must be a whole number of ms, ${min}–${max}`);
  return ms;
}

/** The keys `origin.variable` lists, as the gateway's loader reads them; else its problems added. */
function keyRing(
  env: NodeJS.ProcessEnv,
  origin: DataKeyOrigin,
  problems: string[],
): DataKeyRing | undefined {
  try {
    return loadDataKeys(
      {
        env: env.PORTAL_ENV === 'production' ? 'production' : 'development',
        dataKeys: env[origin.variable],
      },
      origin,
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/** Where the portal's store is and what seals it: what a data-key census of it needs. */
export type PortalStoreConfig = Pick<
  PortalConfig,
  'redisUrl' | 'redisNatMap' | 'redisPrefix' | 'dataKeys'
>;

function storeSettings(env: NodeJS.ProcessEnv, problems: string[]): PortalStoreConfig | undefined {
  const redisUrl = env.PORTAL_REDIS_URL ?? '';
  // One server, or a master found through its Sentinels (gateway/shared/redis-sentinel.ts): a
  // case's hash and its account's set are written together by one script, which a Redis Cluster
  // would refuse across slots.
  if (!/^rediss?(-sentinel)?:\/\/[^/]/.test(redisUrl))
    problems.push(
      'PORTAL_REDIS_URL is required: a redis://, rediss:// or redis-sentinel:// URL (the portal keeps its sessions and cases there)',
    );
  else {
    try {
      parseRedisTarget(redisUrl);
    } catch (error) {
      // The gateway's words for the same mistake, named by the portal's setting.
      problems.push((error as Error).message.replace(/^REDIS_URL\b/, 'PORTAL_REDIS_URL'));
    }
  }
  // Its own variable, as its URL is: the portal's Redis need not be the gateway's.
  const natMapText = env.PORTAL_REDIS_NAT_MAP ?? '';
  problems.push(
    ...natMapProblems(natMapText, 'PORTAL_REDIS_NAT_MAP', redisUrl, 'PORTAL_REDIS_URL'),
  );
  const { map: redisNatMap } = parseRedisNatMap(natMapText, 'PORTAL_REDIS_NAT_MAP');
  const redisPrefix = env.PORTAL_REDIS_PREFIX ?? 'portal';
  if (!/^[A-Za-z0-9_:-]{1,64}$/.test(redisPrefix))
    problems.push('PORTAL_REDIS_PREFIX must be 1–64 letters, digits, _, - or :');
  const dataKeys = keyRing(env, PORTAL_KEYS, problems);
  return (
    dataKeys && {
      redisUrl,
      ...(redisNatMap.length > 0 ? { redisNatMap } : {}),
      redisPrefix,
      dataKeys,
    }
  );
}

/**
 * PORTAL_REDIS_URL, PORTAL_REDIS_PREFIX and PORTAL_DATA_KEYS alone, as loadPortalConfig reads them
 * (PORTAL_ENV=production: the keys required): the portal's data-key census and re-seal
 * (`npm run cli -- data-keys census --portal`) need nothing else of its settings.
 */
export function loadPortalStoreConfig(env: NodeJS.ProcessEnv): PortalStoreConfig {
  const problems: string[] = [];
  const store = storeSettings(env, problems);
  if (problems.length > 0 || !store) throw new PortalConfigError(problems);
  return Object.freeze(store);
}

/**
 * Reads PORTAL_ENV, PORTAL_PORT (8081), PORTAL_HOST (127.0.0.1), PORTAL_GATEWAY_URL
 * (http://127.0.0.1:8080), PORTAL_GATEWAY_TIMEOUT_MS (10000), PORTAL_CLIENT_ID (portal-sc), PORTAL_CLIENT_SECRET (development: the
 * client's entry in config/clients.dev.json), PORTAL_CLIENT_PREVIOUS_SECRET (none), PORTAL_PUBLIC_URL (the listening address),
 * PORTAL_SESSION_MINUTES (30), PORTAL_REDIS_URL (required), PORTAL_REDIS_NAT_MAP (none), PORTAL_REDIS_PREFIX (portal),
 * PORTAL_DATA_KEYS (production: required; otherwise .data/portal-data-keys, generated once),
 * PORTAL_LOGIN_KEY (the same, .data/portal-login-key), PORTAL_CASE_RETENTION_DAYS (365) and
 * PORTAL_TRUST_PROXY (false), PORTAL_SESSION_STREAMS (10),
 * PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE (60), PORTAL_SESSION_WRITES_PER_MINUTE (20),
 * PORTAL_SESSION_READS_PER_MINUTE (120),
 * PORTAL_DELIVERY_NOTICE_SECONDS (60), PORTAL_DATA_LOSS_CHECK_MS (2000) and
 * PORTAL_GATEWAY_RETRY_MS (5000).
 */
export function loadPortalConfig(env: NodeJS.ProcessEnv): PortalConfig {
  const problems: string[] = [];
  const mode = env.PORTAL_ENV ?? 'development';
  if (mode !== 'development' && mode !== 'test' && mode !== 'production')
    problems.push('PORTAL_ENV must be development, test or production');
  const production = mode === 'production';
  const port = integer(env.PORTAL_PORT, 8081, 'PORTAL_PORT', problems);
  const clientId = env.PORTAL_CLIENT_ID ?? 'portal-sc';
  const secret = env.PORTAL_CLIENT_SECRET ?? (production ? undefined : devSecret(clientId));
  if (!secret) problems.push(`PORTAL_CLIENT_SECRET is required (no secret for ${clientId})`);
  else if (production && secret.startsWith('dev-'))
    problems.push('PORTAL_CLIENT_SECRET: production refuses a development secret');
  const previousSecret = env.PORTAL_CLIENT_PREVIOUS_SECRET || undefined;
  // The gateway's rules for a client's previous secret (gateway/auth/client-registry.ts).
  if (previousSecret !== undefined) {
    if (previousSecret.length < 32)
      problems.push('PORTAL_CLIENT_PREVIOUS_SECRET must be at least 32 characters');
    else if (production && previousSecret.startsWith('dev-'))
      problems.push('PORTAL_CLIENT_PREVIOUS_SECRET: production refuses a development secret');
    else if (previousSecret === secret)
      problems.push(
        'PORTAL_CLIENT_PREVIOUS_SECRET equals PORTAL_CLIENT_SECRET: give the new secret as PORTAL_CLIENT_SECRET',
      );
  }
  const gatewayUrl = env.PORTAL_GATEWAY_URL ?? 'http://127.0.0.1:8080';
  if (!/^https?:\/\/[^/]+$/.test(gatewayUrl.replace(/\/$/, '')))
    problems.push('PORTAL_GATEWAY_URL must be an http(s) origin, e.g. https://gateway.example');
  const timeout = env.PORTAL_GATEWAY_TIMEOUT_MS;
  const gatewayTimeoutMs = timeout ? Number(timeout) : GATEWAY_TIMEOUT_MS;
  if (
    !Number.isInteger(gatewayTimeoutMs) ||
    gatewayTimeoutMs < 1 ||
    gatewayTimeoutMs > MAX_GATEWAY_TIMEOUT_MS
  )
    problems.push(
      `PORTAL_GATEWAY_TIMEOUT_MS must be a whole number of ms, 1–${MAX_GATEWAY_TIMEOUT_MS}`,
    );
  const publicUrl = env.PORTAL_PUBLIC_URL?.replace(/\/$/, '') || undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+(\/.*)?$/.test(publicUrl))
    problems.push('PORTAL_PUBLIC_URL must be an http(s) URL');
  // The gateway posts callbacks only to https and a public host in production
  // (gateway/README.md#callbacks); a portal that announced anything else would never hear back.
  if (production && !publicUrl?.startsWith('https://'))
    problems.push(
      'PORTAL_PUBLIC_URL must be set to an https URL in production (the gateway refuses http)',
    );
  if (production && publicUrl && /^https?:\/\/(localhost|127\.|\[::1\])/.test(publicUrl))
    problems.push('PORTAL_PUBLIC_URL must be reachable by the gateway, not a loopback address');
  const sessionMinutes = integer(
    env.PORTAL_SESSION_MINUTES,
    30,
    'PORTAL_SESSION_MINUTES',
    problems,
  );
  const deliveryNoticeSeconds = integer(
    env.PORTAL_DELIVERY_NOTICE_SECONDS,
    60,
    'PORTAL_DELIVERY_NOTICE_SECONDS',
    problems,
  );
  const dataLossCheckMs = milliseconds(
    env.PORTAL_DATA_LOSS_CHECK_MS,
    DATA_LOSS_CHECK_MS,
    DATA_LOSS_CHECK_BOUNDS,
    'PORTAL_DATA_LOSS_CHECK_MS',
    problems,
  );
  const gatewayRetryMs = milliseconds(
    env.PORTAL_GATEWAY_RETRY_MS,
    FIRST_RETRY_MS,
    [MIN_RETRY_MS, MAX_RETRY_MS],
    'PORTAL_GATEWAY_RETRY_MS',
    problems,
  );
  const sessionStreams = integer(
    env.PORTAL_SESSION_STREAMS,
    SESSION_STREAMS,
    'PORTAL_SESSION_STREAMS',
    problems,
  );
  const sessionStreamOpeningsPerMinute = integer(
    env.PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE,
    SESSION_STREAM_OPENINGS_PER_MINUTE,
    'PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE',
    problems,
  );
  const sessionWritesPerMinute = integer(
    env.PORTAL_SESSION_WRITES_PER_MINUTE,
    SESSION_WRITES_PER_MINUTE,
    'PORTAL_SESSION_WRITES_PER_MINUTE',
    problems,
  );
  const sessionReadsPerMinute = integer(
    env.PORTAL_SESSION_READS_PER_MINUTE,
    SESSION_READS_PER_MINUTE,
    'PORTAL_SESSION_READS_PER_MINUTE',
    problems,
  );
  // 0 would refuse every stream or every press: a portal that cannot be used, not a bound.
  if (sessionStreams === 0) problems.push('PORTAL_SESSION_STREAMS must be 1–65535');
  if (sessionStreamOpeningsPerMinute === 0)
    problems.push('PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE must be 1–65535');
  if (sessionWritesPerMinute === 0)
    problems.push('PORTAL_SESSION_WRITES_PER_MINUTE must be 1–65535');
  if (sessionReadsPerMinute === 0) problems.push('PORTAL_SESSION_READS_PER_MINUTE must be 1–65535');
  const store = storeSettings(env, problems);
  const loginKey = keyRing(env, LOGIN_KEY, problems);
  // A second key would be a rotation, and a new login key would orphan every record keyed under
  // the old one: a digest is a lookup, not a seal that names its key.
  if (loginKey && loginKey.ids.length !== 1)
    problems.push(
      `PORTAL_LOGIN_KEY must list exactly one key, not ${loginKey.ids.length}: the portal's Redis keys logins by it for good`,
    );
  const retention = env.PORTAL_CASE_RETENTION_DAYS;
  const caseRetentionDays = retention ? Number(retention) : CASE_RETENTION_DAYS;
  // A record holds a taxpayer's bank account: it is kept for a while, never for ever.
  if (!(caseRetentionDays > 0 && caseRetentionDays <= 36500))
    problems.push('PORTAL_CASE_RETENTION_DAYS must be a number of days above 0, at most 36500');
  const trust = env.PORTAL_TRUST_PROXY ?? 'false';
  if (trust !== 'true' && trust !== 'false')
    problems.push('PORTAL_TRUST_PROXY must be true or false');
  if (problems.length > 0) throw new PortalConfigError(problems);
  return Object.freeze({
    env: mode as PortalConfig['env'],
    port,
    host: env.PORTAL_HOST ?? '127.0.0.1',
    gatewayUrl: gatewayUrl.replace(/\/$/, ''),
    gatewayTimeoutMs,
    clientId,
    secret: secret!,
    previousSecret,
    publicUrl,
    sessionMinutes: Math.max(1, sessionMinutes),
    ...store!,
    loginKey: loginKey!.current,
    caseRetentionDays,
    trustProxy: trust === 'true',
    deliveryNoticeSeconds,
    dataLossCheckMs,
    gatewayRetryMs,
    sessionStreams,
    sessionStreamOpeningsPerMinute,
    sessionWritesPerMinute,
    sessionReadsPerMinute,
  });
}
