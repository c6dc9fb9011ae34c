// Catalogue administration, the use cases (gateway/README.md#drafts-and-four-eyes): every change
// to the published catalogue is a draft — an item's metadata, schema and examples, a new item, a
// disabled item with its notice, a working-day calendar year — that its author validates and
// submits, and another operator holding catalogue:approve approves (publishing it as the next
// immutable version) or rejects with a reason. The HTTP rows (catalogue-admin-routes.ts) and the
// operator console call these same functions with the operator and the request id, and every
// action and every refusal is appended to the audit chain under that operator. A creation may
// carry an Idempotency-Key, kept with the draft, so repeating it after a 503 makes no second draft.
import type { AuditLog } from '../../audit/audit-log.ts';
import { auditedAction, type OperatorRequest } from '../../audit/operator-audit.ts';
import {
  calendarProblems,
  calendarText,
  type CalendarDraft,
} from '../../calendar/calendar-draft.ts';
import type { DivisionTables } from '../../divisions/load-division-table.ts';
import { idempotencyKeyHash } from '../../cases/idempotency-key.ts';
import {
  hashRequest,
  sameRequest,
  type IdempotencyRecord,
  type RequestHash,
} from '../../cases/idempotency-record.ts';
import { canonicalJson, sha256Hex } from '../../shared/canonical-json.ts';
import { GatewayError, type FieldProblem } from '../../shared/errors.ts';
import { decodeCursor, DEFAULT_PAGE, encodeCursor, MAX_PAGE } from '../../http/cursor.ts';
import { refusedText } from '../../http/json-scan.ts';
import { DEPARTMENTS } from '../catalogue-item.ts';
import type { CompatibilityReport } from '../compatibility/compatibility-report.ts';
import {
  validateItemDraft,
  type DraftValidation,
} from '../draft-validation/validate-item-draft.ts';
import { versionKey } from '../item-source.ts';
import type { LiveCatalogue } from '../live-catalogue.ts';
import type { CatalogueStore } from '../published/catalogue-store.ts';
import {
  createDraftStore,
  type DraftKind,
  type DraftPosition,
  type DraftStatus,
  type StoredDraft,
} from './draft-store.ts';
import { catalogueExporter, type ExportedCatalogue } from './catalogue-export.ts';
import { draftETag, savesNamed } from './draft-etag.ts';
import { sameAsPublished, versionDocument, type DraftItem } from './item-version.ts';
import type { RedisClient } from '../../shared/redis.ts';
import { SLOT } from '../../shared/redis-keys.ts';

/** What an operator sends to create or replace a draft (the route's body contract). */
export interface DraftInput {
  readonly kind?: DraftKind;
  readonly itemCode?: string;
  readonly baseVersion?: number;
  readonly item?: unknown;
  readonly calendar?: unknown;
  readonly note?: string;
}

export interface ValidationView {
  readonly ok: boolean;
  readonly problems: readonly FieldProblem[];
  readonly compatibility: { readonly breaking: boolean; readonly changes: readonly unknown[] };
}

export interface DraftView {
  readonly draftId: string;
  readonly kind: DraftKind;
  readonly itemCode?: string;
  readonly year?: number;
  readonly status: DraftStatus;
  readonly author: string;
  readonly note: string;
  readonly baseVersion: number;
  readonly item?: unknown;
  readonly calendar?: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The last validation, and whether the draft changed since (then it must be validated again). */
  readonly validation?: ValidationView & { readonly current: boolean };
  readonly submittedAt?: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly reason?: string;
  readonly publishedVersion?: number;
}

/** A creation's answer: the draft, and whether an earlier creation under the same key made it. */
export interface CreatedDraft {
  readonly draft: DraftView;
  readonly replayed: boolean;
}

export interface PublishedView {
  readonly draftId: string;
  readonly itemCode?: string;
  readonly year?: number;
  readonly version?: number;
  readonly revision: number;
  readonly publishedAt: string;
}

export interface VersionView {
  readonly version: number;
  readonly status: 'latest' | 'accepted' | 'retired';
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly publishedAt?: string;
  readonly publishedBy?: string;
  readonly draftId?: string;
  readonly sunsetAt?: string;
}

export interface CatalogueAdminDeps {
  readonly redis: RedisClient;
  readonly store: CatalogueStore;
  readonly audit: AuditLog;
  /** This instance's catalogue, brought current after a publish through it. */
  readonly catalogue: LiveCatalogue;
  readonly divisions: DivisionTables;
  readonly now: () => Date;
  /** Days a version superseded by a breaking publish stays accepted (≥ 30). */
  readonly sunsetDays: number;
  readonly newId: () => string;
  /** How long a creation's Idempotency-Key is kept (GW_IDEMPOTENCY_TTL_SECONDS). */
  readonly idempotencyTtlSeconds: number;
}

export interface CatalogueAdmin {
  /**
   * A new draft; with `idempotencyKey` (gateway/README.md#idempotency) the same key and body
   * again answer the draft it made (`replayed`), another body under it is 409.
   */
  createDraft(
    request: OperatorRequest,
    input: DraftInput,
    idempotencyKey?: string,
  ): Promise<CreatedDraft>;
  /**
   * Replaces a draft's content; with `savedOn` only while the draft is still as the change found it
   * — checked in the same step as the write (move-draft.lua), so of two saves made on the same text
   * exactly one is stored. `savedOn` is the draft's updatedAt the console's editor loaded (the
   * other save: 409 GW_DRAFT_SAVED_ELSEWHERE) or the strong tags of the API's If-Match (412
   * GW_DRAFT_PRECONDITION_FAILED; draft-etag.ts).
   */
  updateDraft(
    request: OperatorRequest,
    draftId: string,
    input: DraftInput,
    savedOn?: string | { readonly ifMatch: readonly string[] },
  ): Promise<DraftView>;
  getDraft(request: OperatorRequest, draftId: string): Promise<DraftView>;
  /** A page of drafts, newest first (DESIGN §3.10 paging); a cursor it did not give out: 400. */
  listDrafts(request: OperatorRequest, query: DraftListQuery): Promise<DraftList>;
  validateDraft(request: OperatorRequest, draftId: string): Promise<ValidationView>;
  /** Validates a would-be draft without storing anything (`catalogue import --dry-run`). */
  checkDraft(request: OperatorRequest, input: DraftInput): Promise<ValidationView>;
  submitDraft(request: OperatorRequest, draftId: string): Promise<DraftView>;
  approveDraft(request: OperatorRequest, draftId: string): Promise<PublishedView>;
  rejectDraft(request: OperatorRequest, draftId: string, reason: string): Promise<DraftView>;
  listVersions(request: OperatorRequest, itemCode: string): Promise<VersionView[]>;
  exportCatalogue(request: OperatorRequest): Promise<ExportedCatalogue>;
}

export interface DraftListQuery {
  readonly status?: DraftStatus | undefined;
  /** The previous page's nextCursor. */
  readonly cursor?: string | undefined;
  /** 1–200; DEFAULT_PAGE when absent. */
  readonly limit?: number | undefined;
}

export interface DraftList {
  readonly items: DraftView[];
  readonly nextCursor: string | null;
}

/** A drafts cursor's position: the last draft's creation ms and id (draft-store.ts DraftPosition). */
const DRAFT_POSITION = /^[0-9]{1,16}:[0-9A-Za-z]{1,40}$/;

function draftCursor(position: DraftPosition): string {
  return encodeCursor(`${String(position.createdMs)}:${position.draftId}`);
}

function draftPosition(cursor: string | undefined): DraftPosition | undefined {
  const decoded = decodeCursor(cursor, DRAFT_POSITION);
  if (decoded === undefined) return undefined;
  const [ms = '', draftId = ''] = decoded.split(':');
  return { createdMs: Number(ms), draftId };
}
/** Drafts and the published catalogue: one slot (with GW_REDIS_WAIT_REPLICAS, waited for). */
const CATALOGUE_WRITES = [SLOT.catalogue];
const CODE = /^[A-Z]{2}-[0-9]{3}$/;

/** How the problem of a draft that changes nothing begins (GW_DRAFT_UNCHANGED's; unchangedProblem). */
const UNCHANGED = 'the draft is the same as';

/**
 * Whether a validation's problem is that the draft changes nothing: the console says so in place of
 * a pass or a count of problems, as there is nothing to fix but to change something.
 */
export function isUnchangedProblem(problem: FieldProblem): boolean {
  return problem.message.startsWith(`${UNCHANGED} `);
}

const invalid = (errors: FieldProblem[], detail = 'The draft cannot be stored as it is') =>
  new GatewayError('GW_DRAFT_INVALID', { detail, errors });

/** What a draft is about, read from the input: an item code or a calendar year. */
interface Subject {
  readonly kind: DraftKind;
  readonly target: string;
  readonly itemCode?: string;
  readonly year?: number;
}

function subjectOf(input: DraftInput): Subject {
  const kind = input.kind ?? (input.calendar !== undefined ? 'calendar' : 'item');
  if (kind === 'calendar') {
    const problems = calendarProblems(input.calendar).map((p) => ({
      ...p,
      path: `/calendar${p.path}`,
    }));
    if (problems.length > 0) throw invalid(problems, 'The calendar year has problems');
    const year = (input.calendar as CalendarDraft).year;
    return { kind, target: `calendar-${year}`, year };
  }
  const code = input.itemCode;
  if (typeof code !== 'string' || !CODE.test(code))
    throw invalid([
      {
        path: '/itemCode',
        message: 'an item code like SW-005 is required',
        messageZh: '需要事项编码(如 SW-005)',
      },
    ]);
  if (!(DEPARTMENTS as readonly string[]).includes(code.slice(0, 2)))
    throw invalid([
      {
        path: '/itemCode',
        message: `${code.slice(0, 2)} is not a department of the catalogue`,
        messageZh: `${code.slice(0, 2)} 不是目录中的部门`,
      },
    ]);
  if (input.item === undefined)
    throw invalid([
      { path: '/item', message: 'the item is required', messageZh: '缺少事项内容(item)' },
    ]);
  return { kind, target: code, itemCode: code };
}

function compatibilityView(report: CompatibilityReport | null): ValidationView['compatibility'] {
  return report ?? { breaking: false, changes: [] };
}

function parseJson<T>(text: string | undefined): T | undefined {
  return text === undefined || text === '' ? undefined : (JSON.parse(text) as T);
}

function view(draft: StoredDraft): DraftView {
  const body = JSON.parse(draft.body) as unknown;
  const validation = parseJson<ValidationView>(draft.validation);
  return {
    draftId: draft.draftId,
    kind: draft.kind,
    ...(draft.kind === 'item'
      ? { itemCode: draft.target, item: body }
      : { year: (body as CalendarDraft).year, calendar: body }),
    status: draft.status,
    author: draft.author,
    note: draft.note,
    baseVersion: draft.baseVersion,
    createdAt: draft.createdAt,
    updatedAt: draft.updatedAt,
    ...(validation
      ? { validation: { ...validation, current: draft.validatedDigest === draft.bodyDigest } }
      : {}),
    ...(draft.submittedAt ? { submittedAt: draft.submittedAt } : {}),
    ...(draft.decidedBy ? { decidedBy: draft.decidedBy, decidedAt: draft.decidedAt } : {}),
    ...(draft.reason ? { reason: draft.reason } : {}),
    ...(draft.publishedVersion ? { publishedVersion: draft.publishedVersion } : {}),
  };
}

export function createCatalogueAdmin(deps: CatalogueAdminDeps): CatalogueAdmin {
  const { store, audit } = deps;
  const drafts = createDraftStore(deps.redis, store.keys);
  const exportCatalogue = catalogueExporter(store);

  async function baseSchema(code: string, version: number): Promise<object | null> {
    if (version === 0) return null;
    const found = (await store.versions([versionKey(code, version)])).get(
      versionKey(code, version),
    );
    return found ? (JSON.parse(found.schemaText) as object) : null;
  }

  /** The full validation of a draft's body against the version it changes. */
  async function validation(
    subject: Subject,
    body: unknown,
    base: number,
  ): Promise<DraftValidation> {
    if (subject.kind === 'calendar') {
      const problems = calendarProblems(body).map((p) => ({ ...p, path: `/calendar${p.path}` }));
      return { ok: problems.length === 0, problems, compatibility: null };
    }
    const code = subject.itemCode!;
    const result = validateItemDraft(body, {
      itemCode: code,
      version: base + 1,
      baseSchema: await baseSchema(code, base),
      divisions: deps.divisions,
      now: deps.now,
    });
    const problems = result.problems.map((p) => ({ ...p, path: `/item${p.path}` }));
    const latest = (await store.latestVersion(code)) ?? 0;
    if (latest !== base)
      problems.push({
        path: '/baseVersion',
        message: `version ${latest} was published after version ${base}: start from it`,
        messageZh: `第 ${base} 版之后已发布第 ${latest} 版,请在其基础上修改`,
      });
    return { ok: problems.length === 0, problems, compatibility: result.compatibility };
  }

  /**
   * The checked input: its subject, the version it changes and its body. Refuses (nothing stored)
   * what cannot be a draft at all — malformed, an unknown department, a base that is not the latest,
   * metadata or a schema that does not pass — and keeps example problems for validate to report.
   * An item's validation comes with it, so a check answers it rather than validating again (about
   * 30 ms of CPU on the gateway that takes intake).
   */
  async function checkedInput(input: DraftInput) {
    // The API's JSON body was scanned on arrival (http/json-body.ts); a console form's was not.
    const refused = [
      ...refusedText(input.item, '/item'),
      ...refusedText(input.calendar, '/calendar'),
      ...refusedText(input.note, '/note'),
    ];
    if (refused.length > 0)
      throw invalid(refused, 'The draft holds characters that are not allowed');
    const subject = subjectOf(input);
    if (subject.kind === 'calendar') return { subject, base: 0, body: input.calendar };
    const latest = (await store.latestVersion(subject.itemCode!)) ?? 0;
    const base = input.baseVersion ?? latest;
    if (base !== latest)
      throw new GatewayError('GW_DRAFT_STALE', {
        detail: `${subject.itemCode} is at version ${latest}, not ${base}`,
      });
    const result = await validation(subject, input.item, base);
    const blocking = result.problems.filter((p) => !p.path.startsWith('/item/examples'));
    if (blocking.length > 0) throw invalid(blocking);
    return { subject, base, body: input.item, result };
  }

  async function load(draftId: string): Promise<StoredDraft> {
    const draft = /^[0-9A-Za-z]{1,40}$/.test(draftId) ? await drafts.get(draftId) : undefined;
    if (!draft)
      throw new GatewayError('GW_DRAFT_NOT_FOUND', { detail: `No draft ${draftId.slice(0, 40)}` });
    return draft;
  }

  /**
   * The problem of a draft that says exactly what it would replace (an item's base version, or the
   * calendar year as published), else undefined: publishing it would be a version with no change.
   * A body that is not a whole item or calendar is no copy of anything (isCopy; validation says
   * what is wrong with it). Redis's failures are not caught: they fail the request as any read's.
   */
  async function unchangedProblem(
    draft: Pick<StoredDraft, 'kind' | 'target' | 'baseVersion'> & { readonly body: unknown },
  ): Promise<FieldProblem | undefined> {
    const body = draft.body;
    if (draft.kind === 'calendar') {
      const year = (body as CalendarDraft).year;
      const published = (await store.state()).calendars.get(year);
      if (
        published === undefined ||
        !isCopy(() => calendarText(body as CalendarDraft) === published)
      )
        return undefined;
      return {
        path: '/calendar',
        message: `${UNCHANGED} the published calendar of ${year}: change it, or leave it unsubmitted`,
        messageZh: `草稿与已发布的 ${year} 年工作日历完全相同，请先修改再提交`,
      };
    }
    if (draft.baseVersion === 0) return undefined;
    const key = versionKey(draft.target, draft.baseVersion);
    const published = (await store.versions([key])).get(key);
    if (
      !published ||
      !isCopy(() => sameAsPublished(draft.target, draft.baseVersion, published, body as DraftItem))
    )
      return undefined;
    return {
      path: '/item',
      message: `${UNCHANGED} version ${draft.baseVersion}: change it, or leave it unsubmitted`,
      messageZh: `草稿与第 ${draft.baseVersion} 版完全相同，请先修改再提交`,
    };
  }

  /** A comparison that a body of the wrong shape makes throw is no copy. */
  function isCopy(compare: () => boolean): boolean {
    try {
      return compare();
    } catch {
      return false;
    }
  }

  async function refuseUnchanged(draft: StoredDraft): Promise<void> {
    const problem = await unchangedProblem({ ...draft, body: JSON.parse(draft.body) });
    if (problem)
      throw new GatewayError('GW_DRAFT_UNCHANGED', {
        detail: `Draft ${draft.draftId} changes nothing in ${draft.target}: ${problem.message}`,
        errors: [problem],
      });
  }

  /** The refusal of a move that lost: wrong status, another author, changed since validated. */
  function moveRefusal(outcome: Exclude<Awaited<ReturnType<typeof drafts.move>>, { ok: true }>) {
    switch (outcome.reason) {
      case 'missing':
        return new GatewayError('GW_DRAFT_NOT_FOUND');
      case 'author':
        return new GatewayError('GW_DRAFT_NOT_AUTHOR', {
          detail: `The draft belongs to ${outcome.author}`,
        });
      case 'check':
        return new GatewayError('GW_DRAFT_NOT_VALID', {
          detail: 'Validate the draft (POST …/validate) until it is ok, then submit it',
        });
      case 'status':
        return new GatewayError('GW_DRAFT_STATE', { detail: `The draft is ${outcome.status}` });
    }
  }

  const digestOf = (value: unknown) => sha256Hex(canonicalJson(value));
  const at = () => deps.now().toISOString();
  /**
   * A save's updatedAt: now, but always after the save it replaces (as read), so the draft's ETag
   * (draft-etag.ts) changes with every save even when two fall in one millisecond or the clock
   * stands still (a test's fixed clock) or steps back.
   */
  const saveTime = (previous: string) => {
    const now = deps.now().getTime();
    const after = Date.parse(previous) + 1;
    return new Date(Number.isNaN(after) ? now : Math.max(now, after)).toISOString();
  };

  /** The draft an earlier creation under the same key made, if the body is the same; else 409. */
  async function replayed(earlier: IdempotencyRecord, hash: RequestHash): Promise<CreatedDraft> {
    if (!sameRequest(earlier, hash))
      throw new GatewayError('GW_IDEMPOTENCY_CONFLICT', {
        detail: `This Idempotency-Key was used for draft ${earlier.id} with a different body`,
      });
    return { draft: view(await load(earlier.id)), replayed: true };
  }

  return {
    createDraft: (request, input, idempotencyKey) =>
      auditedAction(
        audit,
        request,
        {
          action: 'catalogue.draft.create',
          target: typeof input.itemCode === 'string' ? input.itemCode.slice(0, 20) : 'calendar',
          right: 'catalogue:edit',
          writes: CATALOGUE_WRITES,
          digest: digestOf(input),
        },
        async () => {
          const operatorId = request.operator.id;
          const keyed =
            idempotencyKey === undefined
              ? undefined
              : {
                  keyHash: idempotencyKeyHash(idempotencyKey),
                  hash: hashRequest(canonicalJson(input)),
                };
          const earlier = keyed && (await drafts.findIdempotent(operatorId, keyed.keyHash));
          if (earlier) return replayed(earlier, keyed.hash);
          const { subject, base, body } = await checkedInput(input);
          const now = at();
          const draft: StoredDraft = {
            draftId: deps.newId(),
            kind: subject.kind,
            target: subject.target,
            status: 'draft',
            author: operatorId,
            note: input.note ?? '',
            baseVersion: base,
            body: JSON.stringify(body),
            bodyDigest: digestOf(body),
            createdAt: now,
            updatedAt: now,
          };
          const outcome = await drafts.create(
            draft,
            keyed && {
              operatorId,
              keyHash: keyed.keyHash,
              requestHash: keyed.hash.compact,
              ttlSeconds: deps.idempotencyTtlSeconds,
            },
          );
          // The same key raced itself: the creation that stored first made the draft.
          if (!outcome.created) return replayed(outcome.existing, keyed!.hash);
          return { draft: view(draft), replayed: false };
        },
        (created) =>
          created.replayed
            ? `Idempotency-Key replayed: draft ${created.draft.draftId}, nothing stored`
            : `draft ${created.draft.draftId}`,
      ),

    updateDraft: (request, draftId, input, savedOn) =>
      auditedAction(
        audit,
        request,
        {
          action: 'catalogue.draft.update',
          target: draftId,
          right: 'catalogue:edit',
          writes: CATALOGUE_WRITES,
          digest: digestOf(input),
        },
        async () => {
          const current = await load(draftId);
          if (current.author !== request.operator.id)
            throw new GatewayError('GW_DRAFT_NOT_AUTHOR', {
              detail: `The draft belongs to ${current.author}`,
            });
          const { subject, base, body } = await checkedInput(input);
          if (subject.target !== current.target)
            throw invalid([
              {
                path: subject.kind === 'item' ? '/itemCode' : '/calendar/year',
                message: `the draft is for ${current.target}`,
                messageZh: `该草稿针对 ${current.target}`,
              },
            ]);
          const saves =
            savedOn === undefined
              ? undefined
              : typeof savedOn === 'string'
                ? [savedOn]
                : savesNamed(savedOn.ifMatch);
          const moved = await drafts.move(draftId, {
            from: 'draft',
            author: request.operator.id,
            ...(saves === undefined ? {} : { check: { field: 'updatedAt', values: saves } }),
            set: {
              body: JSON.stringify(body),
              bodyDigest: digestOf(body),
              baseVersion: base,
              note: input.note ?? current.note,
              updatedAt: saveTime(current.updatedAt),
              validOkDigest: '',
            },
          });
          if (!moved.ok && moved.reason === 'check')
            throw typeof savedOn === 'string'
              ? new GatewayError('GW_DRAFT_SAVED_ELSEWHERE', {
                  detail: `The draft was saved at ${moved.value}, after the save at ${savedOn} this change was made on`,
                })
              : new GatewayError('GW_DRAFT_PRECONDITION_FAILED', {
                  detail: `The draft was saved at ${moved.value} (ETag ${draftETag({ status: 'draft', updatedAt: moved.value })}), not as If-Match names it: read it again (GET …/drafts/${draftId}) and make the change on that`,
                });
          if (!moved.ok) throw moveRefusal(moved);
          return view(await load(draftId));
        },
      ),

    async getDraft(_request, draftId) {
      return view(await load(draftId));
    },

    async listDrafts(_request, query) {
      const page = await drafts.page({
        status: query.status,
        after: draftPosition(query.cursor),
        limit: Math.min(query.limit ?? DEFAULT_PAGE, MAX_PAGE),
      });
      return {
        items: page.drafts.map(view),
        nextCursor: page.next ? draftCursor(page.next) : null,
      };
    },

    validateDraft: (request, draftId) =>
      auditedAction(
        audit,
        request,
        {
          action: 'catalogue.draft.validate',
          target: draftId,
          right: 'catalogue:edit',
          writes: CATALOGUE_WRITES,
        },
        async () => {
          const draft = await load(draftId);
          const subject: Subject = {
            kind: draft.kind,
            target: draft.target,
            ...(draft.kind === 'item' ? { itemCode: draft.target } : {}),
          };
          const result = await validation(subject, JSON.parse(draft.body), draft.baseVersion);
          // A copy of what is published validates, but is not ready to submit: say so here,
          // where the author looks, rather than only when submitting.
          const unchanged = await unchangedProblem({ ...draft, body: JSON.parse(draft.body) });
          const problems = unchanged ? [...result.problems, unchanged] : result.problems;
          const ok = result.ok && !unchanged;
          const answer: ValidationView = {
            ok,
            problems,
            compatibility: compatibilityView(result.compatibility),
          };
          // Kept on the draft only while it is a draft and unchanged since it was read.
          await drafts.move(draftId, {
            from: 'draft',
            check: { field: 'bodyDigest', values: [draft.bodyDigest] },
            set: {
              validation: JSON.stringify(answer),
              validatedDigest: draft.bodyDigest,
              validOkDigest: ok ? draft.bodyDigest : '',
            },
          });
          return answer;
        },
      ),

    async checkDraft(_request, input) {
      const { subject, base, body, result: checked } = await checkedInput(input);
      const result = checked ?? (await validation(subject, body, base));
      // As validate says it: a copy of what is published passes the schema checks but has nothing
      // to publish (the console's live check showed it as passing, above a draft submit refuses).
      const unchanged = await unchangedProblem({
        kind: subject.kind,
        target: subject.target,
        baseVersion: base,
        body,
      });
      return {
        ok: result.ok && !unchanged,
        problems: unchanged ? [...result.problems, unchanged] : result.problems,
        compatibility: compatibilityView(result.compatibility),
      };
    },

    submitDraft: (request, draftId) =>
      auditedAction(
        audit,
        request,
        {
          action: 'catalogue.draft.submit',
          target: draftId,
          right: 'catalogue:edit',
          writes: CATALOGUE_WRITES,
        },
        async () => {
          const draft = await load(draftId);
          if (draft.author === request.operator.id && draft.status === 'draft')
            await refuseUnchanged(draft);
          const moved = await drafts.move(draftId, {
            from: 'draft',
            author: request.operator.id,
            check: { field: 'validOkDigest', values: [draft.bodyDigest] },
            set: { status: 'in-review', submittedAt: at() },
          });
          if (!moved.ok) throw moveRefusal(moved);
          return view(await load(draftId));
        },
      ),

    approveDraft: (request, draftId) =>
      auditedAction(
        audit,
        request,
        {
          action: 'catalogue.draft.approve',
          target: draftId,
          right: 'catalogue:approve',
          writes: CATALOGUE_WRITES,
        },
        async () => {
          const draft = await load(draftId);
          if (draft.author === request.operator.id)
            throw new GatewayError('GW_FOUR_EYES', {
              detail: 'Another operator holding catalogue:approve must approve this draft',
            });
          // One submitted before submitting refused it, or a calendar published since.
          if (draft.status === 'in-review') await refuseUnchanged(draft);
          const publishedAt = at();
          const body = JSON.parse(draft.body) as unknown;
          const validated = parseJson<ValidationView>(draft.validation);
          const outcome = await store.publish({
            draftKey: store.keys.draft(draftId),
            approver: request.operator.id,
            at: publishedAt,
            ...(draft.kind === 'item'
              ? {
                  item: {
                    code: draft.target,
                    baseVersion: draft.baseVersion,
                    ...versionDocument(draft.target, draft.baseVersion + 1, body as DraftItem, {
                      at: publishedAt,
                      by: request.operator.id,
                      draftId,
                    }),
                    // A breaking change gives pinned portals time to move (GW_CATALOGUE_SUNSET_DAYS).
                    ...(validated?.compatibility.breaking && draft.baseVersion > 0
                      ? {
                          sunsetAt: new Date(
                            deps.now().getTime() + deps.sunsetDays * 86_400_000,
                          ).toISOString(),
                        }
                      : {}),
                  },
                }
              : {
                  calendar: {
                    year: (body as CalendarDraft).year,
                    text: calendarText(body as CalendarDraft),
                  },
                }),
          });
          if (!outcome.ok) {
            if (outcome.reason === 'stale')
              throw new GatewayError('GW_DRAFT_STALE', {
                detail: `${draft.target} is at version ${outcome.latest} now: draft again from it`,
              });
            throw new GatewayError('GW_DRAFT_STATE', { detail: `The draft is ${outcome.status}` });
          }
          // This instance serves it at once; the others within a second (hint) or a poll.
          await deps.catalogue.sync().catch(() => undefined);
          return {
            draftId,
            ...(draft.kind === 'item'
              ? { itemCode: draft.target, version: outcome.version }
              : { year: (body as CalendarDraft).year }),
            revision: outcome.revision,
            publishedAt,
          };
        },
        // The entry is under the draft's id: say what it published, so the audit log answers
        // "who published SW-005 v2" without opening the draft.
        (published) =>
          'itemCode' in published
            ? `published ${published.itemCode} v${String(published.version)}`
            : `published calendar ${String(published.year)}`,
      ),

    rejectDraft: (request, draftId, reason) =>
      auditedAction(
        audit,
        request,
        {
          action: 'catalogue.draft.reject',
          target: draftId,
          right: 'catalogue:approve',
          reason,
          writes: CATALOGUE_WRITES,
        },
        async () => {
          await load(draftId);
          const moved = await drafts.move(draftId, {
            from: 'in-review',
            set: { status: 'rejected', decidedBy: request.operator.id, decidedAt: at(), reason },
          });
          if (!moved.ok) throw moveRefusal(moved);
          return view(await load(draftId));
        },
      ),

    async listVersions(_request, itemCode) {
      const history = CODE.test(itemCode) ? await store.history(itemCode) : [];
      if (history.length === 0)
        throw new GatewayError('GW_ITEM_NOT_FOUND', { detail: `No item ${itemCode.slice(0, 20)}` });
      const latest = history.length;
      const now = deps.now().getTime();
      return history.map((v) => ({
        version: v.version,
        status:
          v.version === latest
            ? 'latest'
            : v.sunsetAt && Date.parse(v.sunsetAt) <= now
              ? 'retired'
              : 'accepted',
        metadata: v.metadata,
        ...(v.publishedAt ? { publishedAt: v.publishedAt } : {}),
        ...(v.publishedBy ? { publishedBy: v.publishedBy } : {}),
        ...(v.draftId ? { draftId: v.draftId } : {}),
        ...(v.sunsetAt ? { sunsetAt: v.sunsetAt } : {}),
      }));
    },

    async exportCatalogue() {
      return exportCatalogue();
    },
  };
}
