// One rectification as its readers see it (gateway/README.md#rectification-lifecycle): the record,
// its history with the sealed notes opened, and the 差评 that opened it, shaped and masked for the
// reader by rectificationDetail. GET /v1/rectifications/{id} and the console's rectification page
// read through here, so both show the same thing and log an unreadable note the same way.
import type { Client } from '../auth/client-registry.ts';
import type { EvaluationStore } from '../evaluations/evaluation-store.ts';
import { unreadableNotes } from '../personal-data/sealed-text.ts';
import type { Logger } from '../shared/logger.ts';
import type { RectificationStore } from './rectification-store.ts';
import { loadVisibleRectification, rectificationDetail } from './rectification-view.ts';

export type RectificationDetail = ReturnType<typeof rectificationDetail>;

export async function readRectification(
  deps: { rectifications: RectificationStore; evaluations: EvaluationStore },
  client: Client,
  id: string,
  log: Pick<Logger, 'warn'>,
): Promise<RectificationDetail> {
  const r = await loadVisibleRectification(deps.rectifications, client, id);
  const [history, evaluation] = await Promise.all([
    deps.rectifications.history(r.id),
    deps.evaluations.get(r.province, r.caseId, r.rated),
  ]);
  // A sealed note that does not open reads as a placeholder; the log says where and why.
  for (const note of unreadableNotes(history)) {
    log.warn({ rectificationId: r.id, ...note }, 'history note unreadable');
  }
  return rectificationDetail(r, history, evaluation, client);
}
