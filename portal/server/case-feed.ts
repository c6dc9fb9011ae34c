// Live case pages (README.md#the-taxpayer-portal): each open page holds a server-sent-events
// stream for its case. When a verified callback says the case moved, the feed reads the case from
// the gateway (GET /v1/cases/{id} is the truth; callbacks may arrive out of order or twice) and
// pushes that view to every page watching it, never an older view after a newer one.
import { GATEWAY_UNREACHABLE, type GatewayCase, type GatewayLink } from './gateway-link.ts';

export type Send = (view: GatewayCase) => void;

export class CaseFeed {
  readonly #watchers = new Map<string, Set<Send>>();
  /** History length of the last view pushed per case: a slower, older read is not pushed. */
  readonly #pushed = new Map<string, number>();
  readonly #gateway: GatewayLink;

  constructor(gateway: GatewayLink) {
    this.#gateway = gateway;
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
   * (PORTAL_GATEWAY_UNREACHABLE), or it answered something else than the case.
   */
  async readOrWhy(caseId: string): Promise<{ view: GatewayCase } | { why: string }> {
    const res = await this.#gateway.case(caseId);
    if (res.status === 200) return { view: res.body as GatewayCase };
    const code = (res.body as { code?: unknown } | undefined)?.code;
    return { why: code === GATEWAY_UNREACHABLE ? '暂时无法连接跨省通办平台' : '暂时无法读取办件' };
  }

  /** A callback said the case moved: read it once and push it to its watchers. */
  async moved(caseId: string): Promise<GatewayCase | undefined> {
    const view = await this.read(caseId);
    if (!view) return undefined;
    const watchers = this.#watchers.get(caseId);
    if ((this.#pushed.get(caseId) ?? 0) > view.history.length) return view;
    this.#pushed.set(caseId, view.history.length);
    for (const send of watchers ?? []) send(view);
    return view;
  }
}
