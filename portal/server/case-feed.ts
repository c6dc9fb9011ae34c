// Live case pages (README.md#the-taxpayer-portal): each open page holds a server-sent-events
// stream for its case. When a verified callback says the case moved, the feed reads the case from
// the gateway (GET /v1/cases/{id} is the truth; callbacks may arrive out of order or twice) and
// pushes that view to every page watching it, never an older view after a newer one. A case whose
// 差评 opened a rectification is read with it, so the page follows the rectification too (its moves
// reach the portal as callbacks naming the case, callback-routes.ts).
import {
  GATEWAY_UNREACHABLE,
  type GatewayCase,
  type GatewayLink,
  type GatewayRectification,
} from './gateway-link.ts';
import { GatewayBackoff } from './gateway-backoff.ts';

/** A case as read for its page: the case, and its 差评's rectification (null: none, or unread). */
export interface CaseRead {
  readonly view: GatewayCase;
  readonly rectification: GatewayRectification | null;
}

/** Why a case cannot be read, and how long its page waits before it asks again (gateway-backoff.ts). */
export interface Unreadable {
  readonly why: string;
  readonly retryMs: number;
}

export type Send = (read: CaseRead) => void;

export class CaseFeed {
  readonly #watchers = new Map<string, Set<Send>>();
  /** History length of the last view pushed per case: a slower, older read is not pushed. */
  readonly #pushed = new Map<string, number>();
  readonly #gateway: GatewayLink;
  readonly #backoff: GatewayBackoff;

  /** `firstRetryMs`: a page's first wait when the gateway said nothing (PORTAL_GATEWAY_RETRY_MS). */
  constructor(gateway: GatewayLink, firstRetryMs?: number) {
    this.#gateway = gateway;
    this.#backoff = new GatewayBackoff(firstRetryMs);
  }

  watch(caseId: string, send: Send): () => void {
    const watchers = this.#watchers.get(caseId) ?? new Set<Send>();
    this.#watchers.set(caseId, watchers.add(send));
    return () => {
      watchers.delete(send);
      if (watchers.size === 0) this.#watchers.delete(caseId);
    };
  }

  /** The case as the gateway has it now, or undefined when it cannot be read. */
  async read(caseId: string): Promise<GatewayCase | undefined> {
    const read = await this.readOrWhy(caseId);
    return 'view' in read ? read.view : undefined;
  }

  /**
   * The case, or why it cannot be read, in the taxpayer's words: the gateway cannot be reached
   * (PORTAL_GATEWAY_UNREACHABLE), or it answered something else than the case; with the wait
   * before the next try, the gateway's Retry-After and longer while reads keep failing.
   */
  async readOrWhy(caseId: string): Promise<CaseRead | Unreadable> {
    const res = await this.#gateway.case(caseId);
    if (res.status === 200) {
      this.#backoff.succeeded();
      const view = res.body as GatewayCase;
      return { view, rectification: await this.#rectificationOf(view) };
    }
    const code = (res.body as { code?: unknown } | undefined)?.code;
    return {
      why: code === GATEWAY_UNREACHABLE ? '暂时无法连接跨省通办平台' : '暂时无法读取办件',
      retryMs: this.#backoff.failed(res.headers.get('retry-after')),
    };
  }

  /** A callback said the case moved: read it once and push it to its watchers. */
  async moved(caseId: string): Promise<GatewayCase | undefined> {
    const read = await this.readOrWhy(caseId);
    if (!('view' in read)) return undefined;
    const { view } = read;
    const watchers = this.#watchers.get(caseId);
    if ((this.#pushed.get(caseId) ?? 0) > view.history.length) return view;
    this.#pushed.set(caseId, view.history.length);
    for (const send of watchers ?? []) send(read);
    return view;
  }

  /**
   * The rectification the handling party's 差评 opened, or null: none opened, or it cannot be read
   * just now (the case still shows; the next read or callback brings it).
   */
  async #rectificationOf(view: GatewayCase): Promise<GatewayRectification | null> {
    const id = view.evaluations?.find((e) => e.rated === 'handling')?.rectificationId;
    if (!id) return null;
    const res = await this.#gateway.rectification(id);
    return res.status === 200 ? (res.body as GatewayRectification) : null;
  }
}
