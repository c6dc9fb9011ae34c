// The reference taxpayer portal's configuration as the portal tests run it (portal/server/
// portal-config.ts, README.md#the-taxpayer-portal): test mode, a free port, the run's Redis under
// a prefix of its own — what every portal test used to spell out for itself — and the portal's
// defaults for everything else. `overrides` are environment variables as the portal reads them
// (the gateway to call, a file's shared prefix, its data and login keys, the setting under test);
// an override set to undefined leaves that variable unset, for the tests of a missing one. Loaded
// by loadPortalConfig itself, so a setting it refuses throws its PortalConfigError here too.
import { loadPortalConfig, type PortalConfig } from '../../portal/server/portal-config.ts';
import { testRedisUrl, uniquePrefix } from './redis.ts';

export function testPortalConfig(overrides: NodeJS.ProcessEnv = {}): PortalConfig {
  return loadPortalConfig({
    PORTAL_PORT: '0',
    PORTAL_ENV: 'test',
    PORTAL_REDIS_URL: testRedisUrl(),
    PORTAL_REDIS_PREFIX: uniquePrefix('portal'),
    // Tests press and open streams in bursts no clerk makes (a level sent nine ways in a row, a
    // sweep of 1 400 requests), all as one login: each login's fair share (session-fairness.ts)
    // would answer them 429. Its own test, portal-session-fairness.test.ts, sets it low.
    PORTAL_SESSION_STREAMS: '65535',
    PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE: '65535',
    PORTAL_SESSION_WRITES_PER_MINUTE: '65535',
    PORTAL_SESSION_READS_PER_MINUTE: '65535',
    ...overrides,
  });
}
