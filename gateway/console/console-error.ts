// Refusals on console pages (gateway/console/README.md#security): an HTML page in Chinese and
// English with the right status — never a stack trace, never a 500 for anything a browser or a
// forged request can send. Thrown by pages and guards (ConsoleError) or by the use cases they call
// (GatewayError, with its 4xx status), drawn by consoleErrorPage.
import type { ErrorRequestHandler } from 'express';
import { locals } from '../http/request-context.ts';
import { ERROR_CATALOGUE, isGatewayError, type GatewayError } from '../shared/errors.ts';
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
  if (code === 'GW_UNAVAILABLE') return 503;
  return 500;
}

export const consoleErrorPage: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const status = statusOf(error);
  const { requestId, log } = locals(res);
  if (status >= 500) log.error({ err: error }, 'console page failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const [zh, en] = TITLES[status] ?? TITLES[400]!;
  const detail =
    error instanceof ConsoleError
      ? html`<p id="error-detail">${error.zh} <span class="en">${error.en}</span></p>`
      : isGatewayError(error) && status < 500
        ? gatewayDetail(error)
        : '';
  sendPage(
    res,
    publicPage(
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
    ),
    status,
  );
};

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
