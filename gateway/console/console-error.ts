// Refusals on console pages (gateway/console/README.md#security): an HTML page in Chinese and
// English with the right status — never a stack trace, never a 500 for anything a browser or a
// forged request can send. Thrown by pages and guards (ConsoleError) or by the use cases they call
// (GatewayError, with its 4xx status), drawn by consoleErrorPage. Redis down or restarting is no
// bug either: a 503 page saying so, with Retry-After, as the API answers 503 GW_UNAVAILABLE. A
// page refused by load shedding (503 GW_OVERLOADED, before the console's router saw it) gets the
// same page, saying nothing was done (console-router.ts, consoleShedPage).
import type { ErrorRequestHandler } from 'express';
import { locals } from '../http/request-context.ts';
import { ERROR_CATALOGUE, isGatewayError, type GatewayError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';
import { isRedisUnavailable } from '../shared/redis.ts';
import { html, type HtmlValue } from './html.ts';
import { publicPage, sendPage } from './layout.ts';

/** What a page may refuse with; a use case's GatewayError keeps its own 4xx. */
export type ConsoleErrorStatus = 400 | 403 | 404 | 409 | 413 | 422 | 429;

export class ConsoleError extends Error {
  override name = 'ConsoleError';
  readonly status: ConsoleErrorStatus;
  readonly zh: string;
  readonly en: string;
  constructor(status: ConsoleErrorStatus, zh: string, en: string) {
    super(en);
    this.status = status;
    this.zh = zh;
    this.en = en;
  }
}

const TITLES: Readonly<Record<number, [string, string]>> = {
  400: ['请求有误', 'Bad request'],
  403: ['无权操作', 'Forbidden'],
  404: ['未找到', 'Not found'],
  405: ['不支持的操作', 'Method not allowed'],
  409: ['状态冲突', 'Conflict'],
  413: ['内容过大', 'Too large'],
  415: ['格式不支持', 'Unsupported form'],
  422: ['无法执行', 'Unprocessable'],
  429: ['请稍后再试', 'Too many attempts'],
  500: ['内部错误', 'Internal error'],
  503: ['暂不可用', 'Unavailable'],
};

/** Body-parser and express errors carry a 4xx status of their own (a form too large…). */
function statusOf(error: unknown): number {
  if (error instanceof ConsoleError) return error.status;
  const status = (error as { status?: unknown; statusCode?: unknown } | undefined)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return status;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'GW_UNAVAILABLE' || code === 'GW_OVERLOADED' || isRedisUnavailable(error))
    return 503;
  return 500;
}

const UNAVAILABLE_READ = [
  '数据存储暂时无法访问，请稍后刷新重试。',
  "The gateway's Redis cannot be reached just now: reload in a few seconds.",
] as const;
const UNAVAILABLE_WRITE = [
  '数据存储暂时无法访问，本次操作可能已生效，也可能未生效：请稍后重新打开页面查看，再决定是否重试。',
  "The gateway's Redis cannot be reached just now: what you sent may or may not have taken effect. Open the page again in a few seconds to see before repeating it.",
] as const;

// Shed unread: nothing was done, whether it was a page asked for or a form sent.
const OVERLOADED = [
  '网关当前处理的请求已达上限，本次请求未被读取，也未执行任何操作：请稍后刷新重试。',
  'The gateway is working on as many requests as it takes at once: this one was not read and nothing was done. Reload in a few seconds.',
] as const;

/** A read changed nothing; a form sent may have taken effect before Redis went (as the API says). */
function unavailableDetail(method: string): HtmlValue {
  const [zh, en] = method === 'GET' || method === 'HEAD' ? UNAVAILABLE_READ : UNAVAILABLE_WRITE;
  return html`<p id="error-detail">${zh} <span class="en">${en}</span></p>`;
}

/**
 * The error page; a 503 carries Retry-After (the API's GW_RETRY_AFTER_SECONDS) and is logged as
 * a warning at most once a second, like the API's, since an outage sends one per page asked.
 */
export function consoleErrorPage(retryAfterSeconds: number, logger: Logger): ErrorRequestHandler {
  const outageLog = rateLimitedLog(logger);
  return (error: unknown, req, res, _next) => {
    const status = statusOf(error);
    const { requestId, log } = locals(res);
    const overloaded = isGatewayError(error) && error.code === 'GW_OVERLOADED';
    // Shedding is counted (gw_http_requests_shed_total), and a flood must not flood the log.
    if (overloaded) log.debug({ code: error.code }, 'console page shed');
    else if (status === 503)
      outageLog.warn(
        'redis-unavailable',
        { requestId, err: error },
        'console page: redis unavailable',
      );
    else if (status >= 500) log.error({ err: error }, 'console page failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (status === 503) res.set('Retry-After', String(retryAfterSeconds));
    const [zh, en] = TITLES[status] ?? TITLES[400]!;
    const detail =
      error instanceof ConsoleError
        ? html`<p id="error-detail">${error.zh} <span class="en">${error.en}</span></p>`
        : isGatewayError(error) && status < 500
          ? gatewayDetail(error)
          : overloaded
            ? html`<p id="error-detail">
                ${OVERLOADED[0]} <span class="en">${OVERLOADED[1]}</span>
              </p>`
            : status === 503
              ? unavailableDetail(req.method)
              : '';
    sendPage(res, errorPage(res, status, zh, en, detail, requestId), status);
  };
}

function errorPage(
  res: Parameters<typeof publicPage>[0],
  status: number,
  zh: string,
  en: string,
  detail: HtmlValue | string,
  requestId: string,
) {
  return publicPage(
    res,
    zh,
    html`<section class="error-page" data-status="${status}">
      <h1>${status} ${zh} <span class="en">${en}</span></h1>
      ${detail}
      <p class="muted">请求编号 Request id: <code>${requestId}</code></p>
      <p>
        <a href="/console/">返回控制台 <span class="en">Back to the console</span></a>
      </p>
    </section>`,
  );
}

/**
 * A use case's refusal keeps its status and says why as the API does: its code, the catalogue's
 * Chinese title, its detail, and the fields it names by JSON pointer (`/kind` …).
 */
function gatewayDetail(error: GatewayError): HtmlValue {
  const { titleZh } = ERROR_CATALOGUE[error.code];
  return html`<p id="error-detail">
      <code>${error.code}</code> ${titleZh} <span class="en">${error.detail ?? error.message}</span>
    </p>
    ${
      error.errors?.length
        ? html`<ul id="error-problems">
            ${error.errors.map(
              (p) =>
                html`<li data-field="${p.path}">
                  <code>${p.path || '/'}</code> ${p.messageZh}
                  <span class="en">${p.message}</span>
                </li>`,
            )}
          </ul>`
        : ''
    }`;
}
