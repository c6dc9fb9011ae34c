// A stored case is one of three kinds, checked when it is read back from its Redis hash
// (gateway/cases/case-record.ts): code downstream narrows on `kind` and never guesses.
import { describe, expect, it } from 'vitest';
import {
  CorruptCaseError,
  fromHash,
  LEGACY_ENVELOPE_FIELD,
  toHash,
  type JointChildCase,
  type JointParentCase,
  type SingleCase,
} from '../../../gateway/cases/case-record.ts';
import { CASE_BOARD_FIELDS } from '../../../gateway/shared/redis-keys.ts';
const common = {
  status: 'ROUTED' as const,
  itemCode: 'SW-005',
  itemVersion: 1,
  mode: 'online' as const,
  clientId: 'portal-sc',
  receivingRegion: '510104',
  createdAt: '2026-11-25T08:00:00.000Z',
  updatedAt: '2026-11-25T08:00:00.000Z',
  dueAt: '2026-12-09T16:00:00.000Z',
  flags: { warning: false, overdue: false, escalated: false },
};
const route = { adapter: 'yn', targetRegion: '530323', level: 'county' as const };
const single: SingleCase = {
  ...common,
  kind: 'single',
  id: '01JCASE0000000000000000001',
  route,
  adapters: ['yn'],
  callbackUrl: 'https://portal.sc.example/hooks',
};
const parent: JointParentCase = {
  ...common,
  kind: 'joint-parent',
  id: '01JCASE0000000000000000002',
  children: ['01JCASE0000000000000000002-1', '01JCASE0000000000000000002-2'],
  adapters: ['cq', 'sc-chengdu'],
};
const child: JointChildCase = {
  ...common,
  kind: 'joint-child',
  id: '01JCASE0000000000000000002-1',
  parentId: parent.id,
  role: 'transfer-out',
  route: { adapter: 'cq', targetRegion: '500103', level: 'county' },
  adapters: ['cq'],
};

describe('case records in Redis hashes', () => {
  it.each([single, parent, child])('reads back a $kind as it was stored', (record) => {
    const hash = toHash(record);
    expect(hash).not.toHaveProperty('kind');
    expect(fromHash(hash, record.id)).toEqual(record);
  });

  it("stores nothing the record says elsewhere: id, updatedAt = createdAt, a routed case's adapters, no flags raised", () => {
    for (const record of [single, child]) {
      for (const key of ['id', 'updatedAt', 'adapters', 'flags']) {
        expect(toHash(record)).not.toHaveProperty(key);
      }
    }
    // A joint parent's adapters are its children's: kept.
    expect(toHash(parent)).toHaveProperty('adapters', '["cq","sc-chengdu"]');
    const moved = { ...single, updatedAt: '2026-11-26T08:00:00.000Z' };
    expect(fromHash(toHash(moved), single.id)).toEqual(moved);
  });

  it('reads a hash stored before lean records (id, updatedAt, adapters and flags in it) the same', () => {
    const old = {
      ...toHash(single),
      id: single.id,
      updatedAt: single.updatedAt,
      adapters: '["yn"]',
      flags: JSON.stringify(single.flags),
    };
    expect(fromHash(old, single.id)).toEqual(single);
  });

  it('reads the flags the flag script wrote (only those raised) with the others down', () => {
    const hash = { ...toHash(single), flags: '{"overdue":true}' };
    expect(fromHash(hash, single.id)?.flags).toEqual({
      warning: false,
      overdue: true,
      escalated: false,
    });
  });

  it('leaves the sealed envelope of a case stored in the old layout out of the record', () => {
    const hash = { ...toHash(single), [LEGACY_ENVELOPE_FIELD]: '\u0001\u0004k1\u00ff…' };
    expect(fromHash(hash, single.id)).toEqual(single);
    expect(fromHash(hash, single.id)).not.toHaveProperty(LEGACY_ENVELOPE_FIELD);
  });

  it('keeps a sealed result as its sealedResult text, unopened, and a result stored before sealing as its JSON text', () => {
    const sealed = { ...single, status: 'DECIDED' as const, storedResult: { sealed: 'AgJrMQ==' } };
    expect(toHash(sealed)).toMatchObject({ sealedResult: 'AgJrMQ==' });
    expect(toHash(sealed)).not.toHaveProperty('result');
    expect(fromHash(toHash(sealed), single.id)).toEqual(sealed);
    const legacy = { ...toHash(single), status: 'DECIDED', result: '{"decision":"approved"}' };
    expect(fromHash(legacy, single.id)?.storedResult).toEqual({
      legacyJson: '{"decision":"approved"}',
    });
    // A result stored in clear that is not JSON no longer makes the whole case unreadable: only
    // its readers (CaseStore.openResult) refuse it.
    expect(fromHash({ ...legacy, result: '{decision' }, single.id)?.status).toBe('DECIDED');
  });

  it('reads the sealed result when a legacy one was left beside it (set to JSON null when replaced)', () => {
    const hash = { ...toHash(single), sealedResult: 'AgJrMQ==', result: 'null' };
    expect(fromHash(hash, single.id)?.storedResult).toEqual({ sealed: 'AgJrMQ==' });
    expect(fromHash(hash, single.id)).not.toHaveProperty('result');
  });

  it('keeps a sealed failure reason as its sealedFailureReason text, unopened, and one stored before sealing as its clear text', () => {
    const failed = {
      ...single,
      status: 'DELIVERY_FAILED' as const,
      storedFailureReason: { sealed: 'AgJrMQ==' },
    };
    expect(toHash(failed)).toMatchObject({ sealedFailureReason: 'AgJrMQ==' });
    expect(toHash(failed)).not.toHaveProperty('failureReason');
    expect(fromHash(toHash(failed), single.id)).toEqual(failed);
    const legacy = { ...toHash(single), status: 'DELIVERY_FAILED', failureReason: 'refused' };
    expect(fromHash(legacy, single.id)?.storedFailureReason).toEqual({ clear: 'refused' });
    expect(fromHash(legacy, single.id)).not.toHaveProperty('failureReason');
  });

  it('reads the sealed failure reason when a clear one is beside it, and a blanked clear one as none', () => {
    const hash = { ...toHash(single), sealedFailureReason: 'AgJrMQ==', failureReason: 'refused' };
    expect(fromHash(hash, single.id)?.storedFailureReason).toEqual({ sealed: 'AgJrMQ==' });
    const blanked = { ...toHash(single), failureReason: '' };
    expect(fromHash(blanked, single.id)).not.toHaveProperty('storedFailureReason');
  });

  it("leaves the 督办 board's fields of the case hash out of the record, and stores none", () => {
    const hash = {
      ...toHash(single),
      [`${CASE_BOARD_FIELDS}open`]: '1',
      [`${CASE_BOARD_FIELDS}gauge`]: 'case|53|SW-005|',
      [`${CASE_BOARD_FIELDS}warning`]: '1',
      [`${CASE_BOARD_FIELDS}settled`]: '1',
    };
    expect(fromHash(hash, single.id)).toEqual(single);
    for (const record of [single, parent, child]) {
      const fields = Object.keys(toHash({ ...record, flags: { ...record.flags, warning: true } }));
      expect(fields.filter((f) => f.startsWith(CASE_BOARD_FIELDS))).toEqual([]);
    }
  });

  it('writes the same fields, in the same order and text, as storing every field then deleting the derived ones', () => {
    // The definition toHash had before it skipped fields instead of deleting them.
    const byDeletion = (record: SingleCase | JointParentCase | JointChildCase) => {
      const hash: Record<string, string> = {};
      for (const [key, value] of Object.entries(record)) {
        if (value === undefined || key === 'kind' || key === 'id') continue;
        hash[key] = ['route', 'children', 'adapters', 'flags', 'followUps'].includes(key)
          ? JSON.stringify(value)
          : String(value);
      }
      if (record.updatedAt === record.createdAt) delete hash.updatedAt;
      if (
        record.kind !== 'joint-parent' &&
        hash.adapters === JSON.stringify([record.route.adapter])
      )
        delete hash.adapters;
      if (!record.flags.warning && !record.flags.overdue && !record.flags.escalated)
        delete hash.flags;
      return hash;
    };
    for (const record of [single, parent, child]) {
      for (const variant of [
        record,
        { ...record, updatedAt: '2026-11-26T08:00:00.000Z' },
        { ...record, flags: { ...record.flags, overdue: true } },
        { ...record, adapters: ['yn', 'cq'] },
        { ...record, adapters: ['other'] },
        { ...record, provinceCaseNo: undefined, pausedDays: 3, followUps: ['x'] },
      ]) {
        expect(Object.entries(toHash(variant))).toEqual(Object.entries(byDeletion(variant)));
      }
    }
  });

  it('has no case for a hash without status (nothing stored)', () => {
    expect(fromHash({}, single.id)).toBeUndefined();
    expect(fromHash({ provinceCaseNo: 'X1' }, single.id)).toBeUndefined();
  });

  it('reads a cleared pausedAt as not paused, and flags in one order whatever the stored order', () => {
    const hash = {
      ...toHash(single),
      pausedAt: '',
      flags: '{"escalated":false,"overdue":true,"warning":true}',
    };
    const record = fromHash(hash, single.id);
    expect(record?.pausedAt).toBeUndefined();
    expect(Object.keys(record?.flags ?? {})).toEqual(['warning', 'overdue', 'escalated']);
  });

  it.each([
    ['a single case without a route', { ...toHash(single), route: undefined }, /route/],
    ['an unknown status', { ...toHash(single), status: 'LOST' }, /status/],
    [
      'a route at an unknown level',
      { ...toHash(single), route: '{"adapter":"yn","targetRegion":"530323","level":"village"}' },
      /level/,
    ],
    [
      'a joint parent with a route',
      { ...toHash(parent), route: JSON.stringify(route) },
      /joint-parent/,
    ],
    ['a joint child without a role', { ...toHash(child), role: undefined }, /role/],
    ['a field that is not JSON', { ...toHash(single), flags: '{warning' }, /JSON/],
  ])('refuses %s as corrupt, naming the problem', (_what, hash, problem) => {
    const defined = Object.fromEntries(
      Object.entries(hash).filter((e): e is [string, string] => e[1] !== undefined),
    );
    expect(() => fromHash(defined, single.id)).toThrow(CorruptCaseError);
    expect(() => fromHash(defined, single.id)).toThrow(problem);
  });
});
