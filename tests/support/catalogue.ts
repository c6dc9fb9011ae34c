// Test helpers for the published catalogue: the seed's item versions, and a version or a calendar
// year published straight through the store (as an approval would, without the drafts around it),
// to test what gateways and workers do with a publish apart from how it was approved.
import type { Redis } from 'ioredis';
import type { GatewayClient } from '../../gateway/client/gateway-client.ts';
import { calendarText, type CalendarDraft } from '../../gateway/calendar/calendar-draft.ts';
import {
  draftItemOf,
  versionDocument,
  type DraftItem,
} from '../../gateway/catalogue/admin/item-version.ts';
import { parseExamples } from '../../gateway/catalogue/item-files.ts';
import { readSeedSources } from '../../gateway/catalogue/item-source.ts';
import { createCatalogueStore } from '../../gateway/catalogue/published/catalogue-store.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';

/** A draft item the test may change. */
export type EditableItem = { -readonly [K in keyof DraftItem]: DraftItem[K] } & {
  schema: Record<string, unknown>;
};

/**
 * The seed's item (version 1) as a draft's `item`, its examples aimed at `next` (default: the
 * same code, version 2).
 */
export function seedDraftItem(
  code: string,
  next: { code: string; version: number } = { code, version: 2 },
): EditableItem {
  const source = readSeedSources(projectPath('schemas')).find((s) => s.item.code === code);
  if (!source) throw new Error(`no seed item ${code}`);
  const examples = parseExamples('examples', source.examplesText);
  if (!examples.ok) throw new Error(examples.problem);
  return draftItemOf(
    source.item,
    JSON.parse(source.schemaText) as Record<string, unknown>,
    examples.value,
    next,
  );
}

/**
 * SW-005 with a `remark` field whose pattern backtracks exponentially on a non-match, and every
 * valid example's remark twenty a's and a mismatch: a million backtracking steps per example if
 * it ran (schemas/README.md#draft-validation refuses the pattern before the examples run).
 */
export function seedDraftWithCatastrophicPattern(): EditableItem {
  const item = seedDraftItem('SW-005');
  (item.schema as { properties: Record<string, unknown> }).properties.remark = {
    title: '备注',
    type: 'string',
    maxLength: 200,
    pattern: '^(a|a)+$',
  };
  for (const example of item.examples.valid as { payload: Record<string, unknown> }[])
    example.payload.remark = `${'a'.repeat(20)}!`;
  return item;
}

/** Publishes `item` as the next version of `code` (base: the latest), bypassing the drafts. */
export async function publishDirect(
  redis: Redis,
  prefix: string,
  code: string,
  item: DraftItem,
  options: { sunsetAt?: string } = {},
): Promise<{ revision: number; version: number }> {
  const keys = redisKeys(prefix).catalogue;
  const store = createCatalogueStore(redis, keys);
  const base = (await store.latestVersion(code)) ?? 0;
  const draftKey = keys.draft(`direct-${code}-${base}`);
  await redis.hset(draftKey, 'status', 'in-review');
  const document = versionDocument(code, base + 1, item, { at: new Date().toISOString() });
  const outcome = await store.publish({
    draftKey,
    approver: 'test',
    at: new Date().toISOString(),
    item: { code, baseVersion: base, ...document, sunsetAt: options.sunsetAt },
  });
  if (!outcome.ok) throw new Error(`publish refused: ${JSON.stringify(outcome)}`);
  return outcome;
}

/** Publishes a working-day calendar year, bypassing the drafts; answers the new revision. */
export async function publishCalendarDirect(
  redis: Redis,
  prefix: string,
  calendar: CalendarDraft,
): Promise<number> {
  const keys = redisKeys(prefix).catalogue;
  const draftKey = keys.draft(`direct-calendar-${calendar.year}`);
  await redis.hset(draftKey, 'status', 'in-review');
  const outcome = await createCatalogueStore(redis, keys).publish({
    draftKey,
    approver: 'test',
    at: new Date().toISOString(),
    calendar: { year: calendar.year, text: calendarText(calendar) },
  });
  if (!outcome.ok) throw new Error(`publish refused: ${JSON.stringify(outcome)}`);
  return outcome.revision;
}

/**
 * Publishes a working-day calendar year as operators do: `author` creates, validates and submits
 * its draft, `approver` (another operator, with catalogue:approve) approves it. Throws at the
 * first step that does not answer as it should, with its answer.
 */
export async function approveCalendarDraft(
  author: GatewayClient,
  approver: GatewayClient,
  calendar: CalendarDraft,
): Promise<void> {
  const DRAFTS = '/v1/admin/catalogue/drafts';
  const expectStatus = (step: string, res: { status: number; body: unknown }, status: number) => {
    if (res.status !== status)
      throw new Error(`calendar draft ${step} answered ${res.status}: ${JSON.stringify(res.body)}`);
  };
  const created = await author.request<{ draftId: string }>('POST', DRAFTS, {
    json: { kind: 'calendar', calendar },
  });
  expectStatus('create', created, 201);
  const id = created.body.draftId;
  for (const step of ['validate', 'submit'])
    expectStatus(step, await author.request('POST', `${DRAFTS}/${id}/${step}`), 200);
  expectStatus('approve', await approver.request('POST', `${DRAFTS}/${id}/approve`), 200);
}

/**
 * A draft of GA-001 with its 承诺时限 cut to 45 days, created, validated and submitted for review
 * through the API by `author` (an operator with catalogue:edit): its id, waiting for a second
 * operator's approval.
 */
export async function draftInReview(author: GatewayClient): Promise<string> {
  const item = seedDraftItem('GA-001');
  item.promisedDays = 45;
  const drafts = '/v1/admin/catalogue/drafts';
  const created = await author.request<{ draftId: string }>('POST', drafts, {
    json: { itemCode: 'GA-001', item, note: '承诺时限缩短' },
  });
  if (created.status !== 201) throw new Error(`draft not created: ${created.status}`);
  const id = created.body.draftId;
  for (const step of ['validate', 'submit']) {
    const res = await author.request('POST', `${drafts}/${id}/${step}`);
    if (res.status !== 200)
      throw new Error(`draft ${step}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return id;
}
