// 异地电子缴税 (README.md#the-taxpayer-portal): the form page, the data its script builds the form
// from — the item's published schema and shared definitions, fetched from the gateway, and the
// enterprise's starting values (or, for a retry, what it sent last time) — and the submission,
// which the server signs and sends with one Idempotency-Key per form submission, named by a hash
// of the account's digest and the form's key (portal-keys.ts), never by the login.
import express, { Router } from 'express';
import { toFen } from '../../gateway/catalogue/rules/sum-equals.ts';
import { AMOUNT_IN_WORDS_MAX_FEN, amountInWords } from './amount-in-words.ts';
import {
  GATEWAY_UNAVAILABLE_TITLE,
  GATEWAY_UNREACHABLE,
  gatewayBusy,
  isGatewayUnavailable,
  type GatewayLink,
  type Problem,
} from './gateway-link.ts';
import { taxpayerTitle } from './gateway-refusal.ts';
import type { Pages } from './html.ts';
import { formPointer, PAYMENT_ITEM, paymentEnvelope } from './payment-envelope.ts';
import type { PortalCases } from './portal-cases.ts';
import type { PlaceNames } from './place-names.ts';
import type { PortalKeys } from './portal-keys.ts';
import type { SessionFairness } from './session-fairness.ts';
import { requireSession, sessionOf } from './session-guard.ts';
import type { SessionStore } from './sessions.ts';

export interface PaymentDeps {
  readonly pages: Pages;
  readonly sessions: SessionStore;
  readonly gateway: GatewayLink;
  readonly cases: PortalCases;
  /** Names the Idempotency-Key of a form submission (it names no account). */
  readonly keys: Pick<PortalKeys, 'idempotencyKey'>;
  /** 项目所在地 by name (place-names.ts). */
  readonly places: PlaceNames;
  /** Each login's bound on payments sent and on reads of the form's item (session-fairness.ts). */
  readonly fairness: SessionFairness;
  /** Where the gateway is to post this portal's callbacks. */
  readonly callbackUrl: () => string;
}

const CASE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const SUBMISSION_KEY = /^[A-Za-z0-9-]{8,64}$/;
const DIVISION_CODE = /^[0-9]{6}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function paymentRoutes(deps: PaymentDeps): Router {
  const router = Router();
  const page = requireSession(deps.sessions, 'page');
  const api = requireSession(deps.sessions, 'api');

  router.get('/pay', page, (req, res) => {
    const { account, csrf } = sessionOf(res);
    const retry = typeof req.query.retry === 'string' && CASE_ID.test(req.query.retry);
    res.type('html').send(
      deps.pages.render('pay', {
        title: '异地电子缴税',
        enterprise: account.applicant.name,
        csrf,
        retry: retry ? req.query.retry : '',
      }),
    );
  });

  router.get('/api/forms/payment', api, deps.fairness.read, async (req, res) => {
    const { account } = sessionOf(res);
    const item = await deps.gateway.item(PAYMENT_ITEM);
    if (item.status !== 200) {
      // Why, when the taxpayer can tell: the platform cannot be reached (a refused connection, a
      // timeout), which passes; anything else, the item's specification could not be read.
      const unreachable = (item.body as { code?: unknown }).code === GATEWAY_UNREACHABLE;
      res.status(502).json({
        code: 'PORTAL_CATALOGUE',
        title: unreachable
          ? '暂时无法连接跨省通办平台，缴款表单暂时无法打开，请稍后再试'
          : '暂时无法读取事项规范，请稍后再试',
      });
      return;
    }
    const retryOf = typeof req.query.retry === 'string' ? req.query.retry : '';
    const earlier = retryOf ? await deps.cases.of(account.login, retryOf) : undefined;
    const defaults = account.defaults as Record<string, unknown>;
    const values = earlier?.values ?? {
      ...defaults,
      lines: [{ taxAuthorityCode: defaults.agreementTaxAuthorityCode }],
    };
    const body = item.body as Record<string, unknown>;
    // The name of the project's place as the form opens; a code typed later is asked for by itself.
    const region = (values.project as Record<string, unknown> | undefined)?.region;
    const regionName = deps.places(region);
    res.json({
      item: { code: body.code, name: body.name, version: body.version },
      schema: body.schema,
      definitions: body.definitions,
      values,
      fixed: ['/payload/taxpayerId', '/payload/taxpayerName', '/payload/totalAmount'],
      ...(earlier ? { relatedCaseId: earlier.caseId } : {}),
      places: regionName ? { [String(region)]: regionName } : {},
    });
  });

  // 人民币大写 of the review's total, written by the receipt's one writer (amount-in-words.ts).
  router.get('/api/amount-in-words', api, (req, res) => {
    const fen = typeof req.query.amount === 'string' ? toFen(req.query.amount) : undefined;
    // An amount past what the words can say is refused like a malformed one (amount-in-words.ts).
    if (fen === undefined || fen > AMOUNT_IN_WORDS_MAX_FEN)
      res.status(400).json({ code: 'PORTAL_BAD_FORM', title: '金额格式不正确' });
    else res.json({ words: amountInWords(fen) });
  });

  // The name of one division code typed as 项目所在地 (the form's hint); 404 for one not held.
  router.get('/api/places/:code', api, (req, res) => {
    const code = String(req.params.code);
    const name = DIVISION_CODE.test(code) ? deps.places(code) : '';
    if (name) res.json({ code, name });
    else res.status(404).json({ code: 'PORTAL_PLACE_NOT_FOUND', title: '未找到该行政区划代码' });
  });

  router.post(
    '/api/payments',
    api,
    deps.fairness.write,
    express.json({ limit: '64kb' }),
    async (req, res) => {
      const { account } = sessionOf(res);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const { values, submissionKey, itemVersion, relatedCaseId } = body;
      if (
        !isObject(values) ||
        typeof submissionKey !== 'string' ||
        !SUBMISSION_KEY.test(submissionKey)
      ) {
        res
          .status(400)
          .json({ code: 'PORTAL_BAD_FORM', title: '表单数据不完整，请刷新页面后重试' });
        return;
      }
      // The earlier case must be this enterprise's own: the gateway only checks that this portal
      // submitted it, so another account's case would be linked to this payment, both ways.
      if (
        typeof relatedCaseId === 'string' &&
        relatedCaseId &&
        !(await deps.cases.of(account.login, relatedCaseId))
      ) {
        res.status(404).json({ code: 'PORTAL_CASE_NOT_FOUND', title: '办件不存在' });
        return;
      }
      const envelope = paymentEnvelope(
        account,
        {
          values,
          ...(typeof itemVersion === 'number' ? { itemVersion } : {}),
          ...(typeof relatedCaseId === 'string' && relatedCaseId ? { relatedCaseId } : {}),
        },
        deps.callbackUrl(),
      );
      const answer = await deps.gateway.submit(
        envelope,
        deps.keys.idempotencyKey(account.login, submissionKey),
      );
      if (answer.status === 202) {
        const { caseId, status } = answer.body as { caseId: string; status: string };
        // The same form submission again is answered with the same case: add keeps the first record.
        await deps.cases.add({
          caseId,
          login: account.login,
          itemCode: PAYMENT_ITEM,
          // What was sent: the taxpayer is the login's whatever the browser put in the form's fixed
          // fields, and a retry is pre-filled from this (it showed another enterprise's id typed there).
          values: envelope.payload as Record<string, unknown>,
          submittedAt: new Date().toISOString(),
          status,
          ...(typeof relatedCaseId === 'string' && relatedCaseId ? { relatedCaseId } : {}),
        });
        res.status(202).json({ caseId });
        return;
      }
      if (answer.status === 429) {
        const busy = gatewayBusy(answer);
        if (busy.retryAfter) res.set('Retry-After', busy.retryAfter);
        res.status(429).json(busy.body);
        return;
      }
      const problem = answer.body as Problem;
      // Not reaching the gateway, or no answer in time, is the portal's 503 (gateway-link.ts); the
      // gateway's own 503 is passed on as one, with its Retry-After (isGatewayUnavailable). Any
      // other failure of the gateway is a bad gateway (502). Either way the page keeps the
      // submission key, so a resend is answered with the case the gateway may have made, never a
      // second payment.
      const unavailable = isGatewayUnavailable(answer);
      const retryAfter = unavailable ? answer.headers.get('retry-after') : null;
      if (retryAfter) res.set('Retry-After', retryAfter);
      res.status(answer.status === 503 ? 503 : answer.status >= 500 ? 502 : answer.status).json({
        code: problem.code,
        title: unavailable ? GATEWAY_UNAVAILABLE_TITLE : taxpayerTitle(answer.status, problem),
        detail: problem.detail,
        errors: (problem.errors ?? []).map((e) => ({ ...e, path: formPointer(e.path) })),
      });
    },
  );
  return router;
}
