// The reference taxpayer portal as an express app (README.md#the-taxpayer-portal), built from its
// parts: sessions, the gateway link, the portal's own case records, the live feed and the pages.
// Everything is served from this origin (no CDN) under a strict Content-Security-Policy: scripts
// and styles only from /assets (linked by URLs carrying their content's hash, cached for a year),
// nothing inline, no framing (frame-ancestors, and X-Frame-Options for browsers without it). No
// answer but the assets may be stored by the browser (Cache-Control: no-store): the pages and calls
// carry the enterprise's cases, and on a shared computer the back button after 退出, or the disk
// cache, showed them to the next person. When the portal's Redis fails, a page
// or a call answers 503 saying so (store-unavailable.ts); the portal keeps running.
import express, { type Express } from 'express';
import { createSealer } from '../../gateway/personal-data/sealed-data.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import type { RedisDataLossWarning } from '../../gateway/shared/redis-data-loss.ts';
import type { RedisClient } from '../../gateway/shared/redis.ts';
import { VersionedAssets } from '../../gateway/shared/versioned-assets.ts';
import { CallbackVerifier } from './callback-verifier.ts';
import { CALLBACK_PATH, callbackRoutes } from './callback-routes.ts';
import { CaseFeed } from './case-feed.ts';
import { caseRoutes } from './case-routes.ts';
import { GatewayLink } from './gateway-link.ts';
import { Pages } from './html.ts';
import { loadLabels } from './labels.ts';
import { placeNames } from './place-names.ts';
import { loadDivisionTable } from '../../gateway/divisions/load-division-table.ts';
import { LoginLockout } from './login-lockout.ts';
import { loginPage, loginRoutes } from './login-routes.ts';
import { paymentRoutes } from './payment-routes.ts';
import type { PortalConfig } from './portal-config.ts';
import { PortalCases } from './portal-cases.ts';
import { healthRoutes } from './portal-health.ts';
import { portalKeys } from './portal-keys.ts';
import { notFound, refusedRequest } from './refused-request.ts';
import { portalPagesOnly } from './request-origin.ts';
import { SessionFairness } from './session-fairness.ts';
import { SessionStore } from './sessions.ts';
import { storeUnavailable } from './store-unavailable.ts';
import { TEST_ACCOUNTS, type PortalAccount } from './test-accounts.ts';

export interface PortalDeps {
  readonly config: PortalConfig;
  /** The portal's own Redis (portal-process.ts): its sessions and its record of cases. */
  readonly redis: RedisClient;
  /** /readyz's warnings: a Redis that came back without its data (portal-data-loss.ts). */
  readonly readinessWarnings: () => Promise<readonly RedisDataLossWarning[]>;
  /** The portal's public base URL, known once it listens (config.publicUrl when set). */
  readonly publicUrl: () => string;
  readonly accounts?: readonly PortalAccount[];
  readonly warn?: (message: string) => void;
  /** Where the scripts and stylesheets are read from: portal/assets unless a test copies them. */
  readonly assetsDir?: string;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  // The assets' router sets its own (versioned-assets.ts): they hold nobody's data.
  'Cache-Control': 'no-store',
};

export function createPortalApp(deps: PortalDeps): Express {
  const { config } = deps;
  const warn = deps.warn ?? (() => undefined);
  const gateway = new GatewayLink(config, warn);
  const accounts = deps.accounts ?? TEST_ACCOUNTS;
  const keys = portalKeys(config.redisPrefix, config.loginKey);
  const sessions = new SessionStore({
    redis: deps.redis,
    keys,
    accounts,
    idleMinutes: config.sessionMinutes,
  });
  const lockout = new LoginLockout({ redis: deps.redis, keys });
  const cases = new PortalCases({
    redis: deps.redis,
    keys,
    sealer: createSealer(config.dataKeys),
    retentionDays: config.caseRetentionDays,
    warn,
  });
  const feed = new CaseFeed(gateway, config.gatewayRetryMs);
  const fairness = new SessionFairness({
    streams: config.sessionStreams,
    streamOpeningsPerMinute: config.sessionStreamOpeningsPerMinute,
    writesPerMinute: config.sessionWritesPerMinute,
    readsPerMinute: config.sessionReadsPerMinute,
  });
  const assets = new VersionedAssets(deps.assetsDir ?? projectPath('portal', 'assets'), '/assets');
  const pages = new Pages(assets);
  const labels = loadLabels();
  const places = placeNames(loadDivisionTable());

  const app = express();
  app.disable('x-powered-by');
  // req.ip, what a login's lock-out counts by: behind a reverse proxy the client's address only
  // when the proxy is trusted, else every taxpayer would share the proxy's (login-lockout.ts).
  app.set('trust proxy', config.trustProxy);
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  app.use(healthRoutes(deps.redis, deps.readinessWarnings));
  app.use('/assets', assets.router());
  const verifier = new CallbackVerifier({
    secret: config.secret,
    previousSecret: config.previousSecret,
    redis: deps.redis,
    keys,
  });
  app.use(callbackRoutes({ verifier, cases, feed, warn }));
  // Every state-changing request from here on comes from the portal's own pages, or is refused
  // (request-origin.ts): a login refused so shows the login form again to log in from.
  app.use(
    portalPagesOnly((req, res) => {
      if (req.path === '/login') res.type('html').send(loginPage(pages, '请从本站登录页登录'));
      else res.type('text').send('请求并非来自本站页面，已拒绝');
    }, config.publicUrl),
  );
  app.use(
    loginRoutes({
      pages,
      sessions,
      lockout,
      accounts,
      cases,
      secureCookies: config.env === 'production',
    }),
  );
  app.use(
    paymentRoutes({
      pages,
      sessions,
      gateway,
      cases,
      keys,
      places,
      fairness,
      callbackUrl: () => `${deps.publicUrl()}${CALLBACK_PATH}`,
    }),
  );
  app.use(
    caseRoutes({
      pages,
      sessions,
      gateway,
      cases,
      feed,
      fairness,
      labels,
      places,
      keys,
      deliveryNoticeMs: config.deliveryNoticeSeconds * 1000,
    }),
  );
  app.use(notFound);
  app.use(refusedRequest);
  app.use(storeUnavailable(pages, warn));
  return app;
}
