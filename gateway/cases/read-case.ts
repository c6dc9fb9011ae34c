// GET /v1/cases/{caseId} (gateway/README.md#reads-and-masking). Visible to the submitting portal,
// the province clients on its route and operators; to anyone else it does not exist (404, never
// 403, so ids cannot be probed). The stored submission is decrypted here and its personal fields
// masked by the personal locations its item version compiled to, unless the read is unmasked: an
// operator's read with the unmask right, which only read-case-audited.ts asks for (audited). What
// other features know of a case (its evaluations) joins the view through CaseViewPart functions
// given with the deps, so this file does not depend on them.
import type { Client } from '../auth/client-registry.ts';
import type { SchemaRegistry } from '../catalogue/schema-registry.ts';
import type { SubmissionEnvelope } from '../catalogue/submission-envelope.ts';
import { maskPersonal } from '../personal-data/mask-personal.ts';
import { WITHHELD_SUBMISSION } from '../personal-data/personal-locations.ts';
import { SealedDataError } from '../personal-data/sealed-data.ts';
import { GatewayError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { CaseRecord, JointChildCase } from './case-record.ts';
import { phaseOf } from './case-status.ts';
import type { CaseStore } from './case-store.ts';
import { maskedResult } from './masked-result.ts';
import { maskFreeText } from '../personal-data/mask-free-text.ts';
import { unreadableNotes } from '../personal-data/sealed-text.ts';
import { CASE_ID } from './case-id.ts';

export interface ReadCaseDeps {
  store: CaseStore;
  registry: Pick<SchemaRegistry, 'compiledItem' | 'resultFor'>;
}

/** Who reads a case, and whether personal data is shown unmasked to them. */
export interface CaseReader {
  client: CaseViewer;
  unmasked: boolean;
}

/** Fields another feature adds to the case view, for this reader (e.g. `{ evaluations }`). */
export type CaseViewPart = (
  record: CaseRecord,
  reader: CaseReader,
) => Promise<Record<string, unknown>>;

export type CaseViewDeps = ReadCaseDeps & { caseViewParts: readonly CaseViewPart[] };

/** Who a case is shown to: enough of a client to decide. */
export type CaseViewer = Pick<Client, 'id' | 'kind' | 'adapter'>;

export function mayRead(client: CaseViewer, record: CaseRecord): boolean {
  if (client.kind === 'operator') return true;
  if (client.kind === 'portal') return record.clientId === client.id;
  return client.adapter !== undefined && record.adapters.includes(client.adapter);
}

export async function loadVisibleCase(
  store: CaseStore,
  client: CaseViewer,
  caseId: string,
): Promise<CaseRecord> {
  const record = CASE_ID.test(caseId) ? await store.get(caseId) : undefined;
  if (!record || !mayRead(client, record)) {
    throw new GatewayError('GW_CASE_NOT_FOUND', { detail: `No case ${caseId.slice(0, 40)}` });
  }
  return record;
}

/**
 * The case as `client` may see it (404 when it may not), personal data masked unless `unmasked`
 * (the caller checked the right and audited the read).
 */
export async function caseView(
  deps: CaseViewDeps,
  client: CaseViewer,
  caseId: string,
  log: Logger,
  { unmasked }: { unmasked: boolean },
): Promise<Record<string, unknown>> {
  const { store } = deps;
  const record = await loadVisibleCase(store, client, caseId);
  const reader: CaseReader = { client, unmasked };
  const [history, children, envelope, parts] = await Promise.all([
    store.history(record.id, record),
    record.kind === 'joint-parent' ? loadChildren(store, record.children) : [],
    openSubmission(store, record.id, log),
    Promise.all(deps.caseViewParts.map((part) => part(record, reader))),
  ]);
  // A sealed note that does not open reads as a placeholder; the log says where and why.
  for (const note of unreadableNotes(history)) {
    log.warn({ caseId: record.id, ...note }, 'history note unreadable');
  }
  // An item version no longer compiled has no locations: its applicant and payload are withheld.
  const personal =
    deps.registry.compiledItem(record.itemCode, record.itemVersion)?.personal ??
    WITHHELD_SUBMISSION;
  const submission = unmasked ? envelope : maskPersonal(envelope, personal);
  return {
    caseId: record.id,
    status: record.status,
    phase: phaseOf(record.status),
    itemCode: record.itemCode,
    itemVersion: record.itemVersion,
    mode: record.mode,
    receivingRegion: record.receivingRegion,
    route:
      record.kind === 'joint-parent'
        ? {
            children: children.map((c) => ({
              caseId: c.id,
              role: c.role,
              status: c.status,
              phase: phaseOf(c.status),
              flags: c.flags,
              dueAt: c.dueAt,
              ...c.route,
            })),
          }
        : record.route,
    ...(record.kind === 'joint-child' ? { parentId: record.parentId, role: record.role } : {}),
    provinceCaseNo: record.provinceCaseNo ?? null,
    dueAt: record.dueAt,
    // 督办 follows each party of a joint case: the parent shows a flag any party carries.
    flags: children.reduce(
      (flags, c) => ({
        warning: flags.warning || c.flags.warning,
        overdue: flags.overdue || c.flags.overdue,
        escalated: flags.escalated || c.flags.escalated,
      }),
      record.flags,
    ),
    calendarAssumed: record.calendarAssumed ?? false,
    ...(Object.assign({}, ...parts) as Record<string, unknown>),
    result: shownResult(deps, record, log, unmasked),
    relatedCases: relatedCases(record),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    submission,
    // A note may be a province's free text (opened by the store, sealed at rest): masked like a
    // comment (personal-data/mask-free-text.ts) unless the read is unmasked.
    history: history.map((h) => ({
      at: h.at,
      status: h.status,
      actor: h.actor,
      note: h.note === undefined || unmasked ? h.note : maskFreeText(h.note),
    })),
    links: { self: `/v1/cases/${record.id}` },
  };
}

/** The decrypted envelope; a key no longer listed or tampered bytes answer a clear 500. */
async function openSubmission(
  store: CaseStore,
  caseId: string,
  log: Logger,
): Promise<SubmissionEnvelope> {
  try {
    return await store.openEnvelope(caseId);
  } catch (error) {
    if (!(error instanceof SealedDataError)) throw error;
    log.error(
      { caseId, problem: error.problem, reason: error.message },
      'stored submission unreadable',
    );
    throw new GatewayError('GW_CASE_DATA_UNREADABLE', {
      detail: `The stored submission of case ${caseId} cannot be decrypted by this gateway; its operators must restore the data key it was sealed under`,
      cause: error,
    });
  }
}

/**
 * The case's result, opened (it is sealed at rest) and masked unless `unmasked`; null when it has
 * none. One that cannot be opened answers the same clear 500 as an unreadable submission.
 */
function shownResult(
  deps: ReadCaseDeps,
  record: CaseRecord,
  log: Logger,
  unmasked: boolean,
): unknown {
  let result: unknown;
  try {
    result = deps.store.openResult(record);
  } catch (error) {
    if (!(error instanceof SealedDataError)) throw error;
    log.error(
      { caseId: record.id, problem: error.problem, reason: error.message },
      'stored result unreadable',
    );
    throw new GatewayError('GW_CASE_DATA_UNREADABLE', {
      detail: `The stored result of case ${record.id} cannot be decrypted by this gateway; its operators must restore the data key it was sealed under`,
      cause: error,
    });
  }
  if (result === undefined) return null;
  return unmasked ? result : maskedResult(deps.registry, record, result);
}

/**
 * The cases this one is linked with (gateway/README.md#related-cases): the earlier case it
 * follows up, then the later cases that follow it up.
 */
function relatedCases(record: CaseRecord): { caseId: string; relation: string }[] {
  const earlier = record.relatedCaseId;
  return [
    ...(earlier ? [{ caseId: earlier, relation: 'resubmission-of' }] : []),
    ...(record.followUps ?? []).map((caseId) => ({ caseId, relation: 'resubmitted-as' })),
  ];
}

/** A parent's children that still exist (a child past retention is left out). */
async function loadChildren(store: CaseStore, ids: readonly string[]): Promise<JointChildCase[]> {
  const children = await Promise.all(ids.map((id) => store.get(id)));
  return children.filter((c): c is JointChildCase => c?.kind === 'joint-child');
}
