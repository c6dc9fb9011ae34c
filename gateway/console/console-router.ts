// The operator console, served by the gateway under /console (gateway/console/README.md): its
// stylesheet, the sign-in pages, then — behind requireSignIn — every section's pages, Bull Board,
// and an HTML 404 and error page of its own. Mounted before the gateway's JSON body parser: the
// console reads urlencoded forms (small, UTF-8), and never answers problem+json.
import express, { type ErrorRequestHandler, type Router } from 'express';
import { gatewayRouter } from '../http/router.ts';
import { isGatewayError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { redisKeys } from '../shared/redis-keys.ts';
import { loadDataKeys } from '../personal-data/data-keys.ts';
import { derivedKey } from '../personal-data/derived-key.ts';
import type { ConsoleDeps, ConsoleServices } from './console-context.ts';
import { ConsoleSessions } from './console-sessions.ts';
import { LOCKOUT_KEY_PURPOSE, SignInLockout } from './sign-in-lockout.ts';
import { ConsoleError, consoleErrorPage } from './console-error.ts';
import { pageHeaders, requireSignIn } from './console-guard.ts';
import { auditPages } from './audit-pages.ts';
import { boardPages } from './board-pages.ts';
import { consoleAssets, withAssets } from './console-assets.ts';
import { calendarPages } from './catalogue-calendar-pages.ts';
import { draftFormParser } from './catalogue-draft-input.ts';
import { catalogueDraftPages } from './catalogue-draft-pages.ts';
import { cataloguePages } from './catalogue-pages.ts';
import { casePages } from './case-pages.ts';
import { clientPages } from './client-pages.ts';
import { dataKeyPages } from './data-key-pages.ts';
import { deadLetterBulkPages } from './dead-letter-bulk-pages.ts';
import { deadLetterListPage } from './dead-letter-list-page.ts';
import { deadLetterPages } from './dead-letter-pages.ts';
import { failedCallbackPages } from './failed-callback-pages.ts';
import { homePage } from './home-page.ts';
import { noticePages } from './notice-pages.ts';
import { queueBoard } from './queue-board.ts';
import { rectificationPages } from './rectification-pages.ts';
import { signInRoutes } from './sign-in-routes.ts';

/** Section routers, mounted in this order behind the sign-in check (README: adding a page). */
const SECTIONS: readonly ((deps: ConsoleDeps) => Router)[] = [
  homePage,
  casePages,
  cataloguePages,
  calendarPages,
  catalogueDraftPages,
  boardPages,
  rectificationPages,
  noticePages,
  deadLetterListPage,
  // Before the case pages: /dead-letters/replay is not a case id.
  deadLetterBulkPages,
  deadLetterPages,
  failedCallbackPages,
  auditPages,
  dataKeyPages,
  clientPages,
];

/**
 * The console's sessions and lock-out on the gateway's Redis, with the configured limits; the
 * lock-out's counts named under a key derived from the current data key (GW_DATA_KEYS).
 */
export function consoleDeps(services: ConsoleServices): ConsoleDeps {
  const { config, redis, now } = services;
  const keys = redisKeys(config.keyPrefix).console;
  return {
    services,
    sessions: new ConsoleSessions({
      redis,
      keys,
      idleMs: config.consoleIdleMinutes * 60_000,
      maxMs: config.consoleSessionHours * 3_600_000,
      now,
    }),
    lockout: new SignInLockout({
      redis,
      keys,
      secret: derivedKey(loadDataKeys(config).current, LOCKOUT_KEY_PURPOSE),
      operatorLimit: config.consoleLockAfterFailures,
      ipLimit: config.consoleIpLockAfterFailures,
      windowMs: config.consoleLockMinutes * 60_000,
    }),
    secureCookies: config.env === 'production',
  };
}

export function consoleRouter(deps: ConsoleDeps): Router {
  const inner = gatewayRouter();
  const assets = consoleAssets();
  inner.use(withAssets(assets));
  inner.use('/assets', assets.router());
  // Draft forms carry whole item documents; every other form stays within 32 KiB.
  inner.use('/catalogue/drafts', draftFormParser);
  inner.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 200 }));
  inner.use('/queues', requireSignIn(deps, { csrf: false }), queueBoard(deps));
  inner.use(pageHeaders);
  inner.use(signInRoutes(deps));
  inner.use(requireSignIn(deps));
  for (const section of SECTIONS) inner.use(section(deps));
  inner.use(() => {
    throw new ConsoleError(404, '没有这个页面', 'No such page');
  });
  inner.use(consoleErrorPage(deps.services.config.retryAfterSeconds, deps.services.logger));

  const outer = gatewayRouter();
  outer.use('/console', inner);
  return outer;
}

/**
 * A console page load shedding refused (http/in-flight-bound.ts) before the console's router, and
 * so its error page, saw it: the console's 503 page with Retry-After for a browser asking for
 * HTML, as for Redis unavailable, with the console's page headers. Every other error, and a
 * script or an asset asking for anything else, goes on to the API's problem+json.
 */
export function consoleShedPage(retryAfterSeconds: number, logger: Logger): ErrorRequestHandler {
  const page = consoleErrorPage(retryAfterSeconds, logger);
  return (error: unknown, req, res, next) => {
    const shed = isGatewayError(error) && error.code === 'GW_OVERLOADED';
    const onConsole = req.path === '/console' || req.path.startsWith('/console/');
    if (!shed || !onConsole || req.accepts(['json', 'html']) !== 'html') {
      next(error);
      return;
    }
    pageHeaders(req, res, () => page(error, req, res, next));
  };
}
