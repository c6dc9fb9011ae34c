// Validation of an operator's item draft (schemas/README.md#draft-validation): the metadata, the
// schema compiled strictly with the gateway's checks, every example run, size and nesting limits,
// and the compatibility report against the published version — each problem located in the draft
// and worded in English and Chinese. Published items serve as drafts, changed one way per test.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../gateway/catalogue/catalogue-loader.ts';
import { createSchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import {
  validateItemDraft,
  type DraftContext,
} from '../../../gateway/catalogue/draft-validation/validate-item-draft.ts';
import { MAX_DRAFT_DEPTH } from '../../../gateway/catalogue/draft-validation/draft-limits.ts';
import { itemExamplesFile, itemSchemaFile } from '../../../gateway/catalogue/item-files.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { divisions, rejectionOf } from './support.ts';

type Json = Record<string, unknown>;

/** The object at `path` inside `doc`: the tests change a draft in place, one field at a time. */
function at(doc: unknown, ...path: (string | number)[]): Json {
  let node = doc;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node as Json;
}
const list = (doc: unknown, ...path: (string | number)[]) => at(doc, ...path) as unknown as Json[];

const read = (file: string): Json =>
  JSON.parse(readFileSync(projectPath('schemas', file), 'utf8')) as Json;
const catalogue = read('catalogue.json') as { items: Json[] };

/** A published item version 1 as a draft's item document: metadata, schema, examples. */
function draftOf(code: string): Json {
  const {
    code: _code,
    version: _version,
    ...metadata
  } = catalogue.items.find((i) => i.code === code)!;
  return {
    ...metadata,
    schema: read(itemSchemaFile(code, 1)),
    examples: read(itemExamplesFile(code, 1)),
  };
}

/** The same item's next version: its examples name no version, so they serve version 2. */
function nextVersionOf(code: string): Json {
  const draft = draftOf(code);
  const unpin = (envelope: Json) => {
    delete envelope.itemVersion;
  };
  list(draft, 'examples', 'valid').forEach(unpin);
  list(draft, 'examples', 'invalid').forEach((e) => unpin(at(e, 'envelope')));
  return draft;
}

const firstVersion = (code: string): DraftContext => ({ itemCode: code, version: 1, divisions });
const secondVersion = (code: string): DraftContext => ({
  itemCode: code,
  version: 2,
  baseSchema: read(itemSchemaFile(code, 1)),
  divisions,
});

describe('validateItemDraft', () => {
  it('answers modes holding objects with their own valueOf with problems at /modes, the check completing (a property run found "a.valueOf is not a function")', () => {
    const draft = nextVersionOf('SW-005');
    draft.modes = JSON.parse('[{},{"valueOf":0}]');
    const result = validateItemDraft(draft, secondVersion('SW-005'));
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.message).join('\n')).not.toMatch(/could not complete/);
    expect(result.problems.some((p) => p.path.startsWith('/modes'))).toBe(true);
  });

  it('accepts a published item as the first version of a new item, with no compatibility report', () => {
    expect(validateItemDraft(draftOf('SW-005'), firstVersion('SW-005'))).toEqual({
      ok: true,
      problems: [],
      compatibility: null,
    });
  });

  it('reports the result rules added since a catalogue was seeded (lines-match, not-before-submission) as breaking cross-field-rule-added at /result', () => {
    // A gateway seeded before them holds SW-005 version 1 without the two rules; its operators
    // bring them in as a draft of the seed file's schema (schemas/README.md#result-rules).
    const seeded = read(itemSchemaFile('SW-005', 1));
    const rules = list(seeded, 'resultSchema', 'crossFieldRules');
    at(seeded, 'resultSchema').crossFieldRules = rules.filter(
      (r) => r.rule !== 'lines-match' && r.rule !== 'not-before-submission',
    );
    const result = validateItemDraft(nextVersionOf('SW-005'), {
      ...secondVersion('SW-005'),
      baseSchema: seeded,
    });
    expect(result.ok).toBe(true);
    expect(result.compatibility?.breaking).toBe(true);
    expect(result.compatibility?.changes).toEqual([
      expect.objectContaining({
        path: '/result',
        rule: 'cross-field-rule-added',
        breaking: true,
        detail: expect.stringMatching(/^rule lines-match /),
      }),
      expect.objectContaining({
        path: '/result',
        rule: 'cross-field-rule-added',
        breaking: true,
        detail: expect.stringMatching(/^rule not-before-submission /),
      }),
    ]);
  });

  it('accepts an unchanged next version and reports no change', () => {
    expect(validateItemDraft(nextVersionOf('SW-005'), secondVersion('SW-005'))).toEqual({
      ok: true,
      problems: [],
      compatibility: { mode: 'BACKWARD', breaking: false, changes: [] },
    });
  });

  it('reports a narrowed enum as breaking while the draft stays ok (a breaking change may be published)', () => {
    const draft = nextVersionOf('SW-005');
    at(draft, 'schema', 'properties', 'project', 'properties', 'businessType').enum = [
      'construction',
      'sales',
      'installation',
    ];
    const result = validateItemDraft(draft, secondVersion('SW-005'));
    expect(result.ok).toBe(true);
    expect(result.compatibility).toEqual({
      mode: 'BACKWARD',
      breaking: true,
      changes: [
        {
          path: '/payload/project/businessType',
          rule: 'enum-narrowed',
          breaking: true,
          detail: '"repair" is no longer allowed',
        },
        {
          path: '/payload/project/businessType',
          rule: 'enum-narrowed',
          breaking: true,
          detail: '"other" is no longer allowed',
        },
      ],
    });
  });

  it('compares the typed result too, at /result', () => {
    const draft = nextVersionOf('SW-005');
    at(draft, 'schema', 'resultSchema', 'properties', 'outcome').enum = [
      'paid',
      'failed',
      'pending',
    ];
    const result = validateItemDraft(draft, secondVersion('SW-005'));
    expect(result.compatibility?.changes).toEqual([
      {
        path: '/result/outcome',
        rule: 'enum-widened',
        breaking: false,
        detail: 'now also allows "pending"',
      },
    ]);
  });

  it('refuses an unknown department, bad modes, promised days and provinces at their pointers', () => {
    const draft = draftOf('SW-005');
    Object.assign(draft, {
      department: 'XX',
      modes: ['fax'],
      promisedDays: 400,
      enabledProvinces: ['11'],
    });
    const { ok, problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(ok).toBe(false);
    expect(problems.map((p) => p.path).toSorted()).toEqual([
      '/department',
      '/enabledProvinces/0',
      '/modes/0',
      '/promisedDays',
    ]);
  });

  it('refuses a code that does not belong to the department', () => {
    const draft = draftOf('SW-005');
    draft.department = 'GA';
    const { problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(problems).toEqual([
      {
        path: '/department',
        message: 'SW-005 does not belong to department GA: its code must start with GA-',
        messageZh: '事项编码 SW-005 不属于部门 GA,编码应以 GA- 开头',
      },
    ]);
  });

  it('refuses an item code of the wrong form, as a problem of the whole draft', () => {
    const { problems } = validateItemDraft(draftOf('SW-005'), {
      ...firstVersion('SW-005'),
      itemCode: 'sw5',
    });
    expect(problems).toContainEqual(
      expect.objectContaining({ path: '', message: expect.stringMatching(/^item code: /) }),
    );
  });

  it('refuses a schema that does not compile in strict mode', () => {
    const draft = draftOf('SW-005');
    at(draft, 'schema', 'properties', 'crossRegionReportNo').format = 'no-such-format';
    const { ok, problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(ok).toBe(false);
    expect(problems).toContainEqual({
      path: '/schema',
      message: expect.stringMatching(/^does not compile in strict mode: .*no-such-format/),
      messageZh: expect.stringMatching(/^结构定义在严格模式下无法编译/),
    });
  });

  it('points a schema that is not JSON Schema at the keyword it breaks, in English and Chinese', () => {
    const draft = draftOf('SW-005');
    at(draft, 'schema', 'properties', 'crossRegionReportNo').type = 'strng';
    const { ok, problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(ok).toBe(false);
    const place = '/schema/properties/crossRegionReportNo/type';
    expect(problems.map((p) => p.path)).toContain(place);
    expect(problems.map((p) => p.path)).not.toContain('/schema');
    const problem = problems.find((p) => p.path === place)!;
    expect(problem.message).toMatch(
      /^does not compile in strict mode: schema is invalid at \/properties\/crossRegionReportNo\/type: must be equal to one of the allowed values/,
    );
    expect(problem.messageZh).toMatch(
      /^结构定义在严格模式下无法编译:位置 \S+ 不是有效的 JSON Schema:应当是预设定的枚举值之一/,
    );
  });

  it('refuses an unbounded string at its place in the schema, in English and Chinese', () => {
    const draft = draftOf('SW-005');
    delete at(draft, 'schema', 'properties', 'crossRegionReportNo').maxLength;
    const { problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(problems).toEqual([
      {
        path: '/schema/properties/crossRegionReportNo',
        message: 'string without maxLength at /properties/crossRegionReportNo',
        messageZh: '字符串未设 maxLength(位置 /properties/crossRegionReportNo)',
      },
    ]);
  });

  it('refuses a field that looks personal but carries no x-personal annotation', () => {
    const draft = draftOf('SW-005');
    at(draft, 'schema', 'properties').spouseIdNo = {
      title: '配偶证件号',
      type: 'string',
      maxLength: 18,
      idNumber: true,
    };
    const { problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(problems).toEqual([
      {
        path: '/schema',
        message:
          '/payload/spouseIdNo looks personal (the idNumber keyword (a resident ID number)) but has no x-personal annotation',
        messageZh: expect.stringMatching(/^个人信息字段未标注/),
      },
    ]);
  });

  it('refuses a typed result whose example it does not accept, at the example', () => {
    const draft = draftOf('SW-005');
    at(draft, 'schema', 'resultSchema', 'examples', 0).taxVoucherNo = 'not digits';
    const { problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(problems.map((p) => p.path)).toEqual(['/schema/resultSchema/examples/0/taxVoucherNo']);
  });

  it('refuses a cross-field rule that names no field, at the rule', () => {
    const draft = draftOf('SW-005');
    at(draft, 'schema', 'crossFieldRules', 1).total = '/payload/noSuchTotal';
    const { problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(problems.map((p) => p.path)).toEqual(['/schema/crossFieldRules/1/total']);
  });

  it('refuses a valid example the schema refuses, at the field inside the example', () => {
    const draft = draftOf('SW-005');
    at(draft, 'examples', 'valid', 0, 'payload', 'lines', 0).amount = '1.005';
    const { problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(problems).toContainEqual(
      expect.objectContaining({ path: '/examples/valid/0/payload/lines/0/amount' }),
    );
  });

  it('refuses a valid example that breaks a cross-field rule', () => {
    const draft = draftOf('SW-005');
    at(draft, 'examples', 'valid', 0, 'payload').totalAmount = '1.00';
    const { problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: '/examples/valid/0/payload/totalAmount',
        message: expect.stringContaining('sum-equals@'),
      }),
    );
  });

  it('refuses an invalid example that passes, and one refused elsewhere than it claims', () => {
    const draft = draftOf('SW-005');
    at(draft, 'examples', 'invalid', 0).envelope = at(draft, 'examples', 'valid', 0);
    at(draft, 'examples', 'invalid', 1).pointer = '/payload/somewhereElse';
    const { problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(problems.map((p) => p.path)).toEqual([
      '/examples/invalid/0',
      '/examples/invalid/1/pointer',
    ]);
  });

  it("refuses an invalid example that names a missing member's object instead of the member the gateway points at", () => {
    const draft = draftOf('MZ-004');
    expect(validateItemDraft(draft, firstVersion('MZ-004')).problems).toEqual([]);
    at(draft, 'examples', 'invalid', 0).pointer = '/payload';
    const { problems } = validateItemDraft(draft, firstVersion('MZ-004'));
    expect(problems).toEqual([
      expect.objectContaining({
        path: '/examples/invalid/0/pointer',
        message: expect.stringContaining('required@/payload/lawyer'),
      }),
    ]);
  });

  it('refuses examples without a valid list', () => {
    const draft = draftOf('SW-005');
    draft.examples = { valid: [], invalid: at(draft, 'examples').invalid };
    const { problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(problems).toEqual([expect.objectContaining({ path: '/examples' })]);
  });

  it('refuses a 1 MiB schema without compiling it, and reports no compatibility', () => {
    const draft = draftOf('SW-005');
    at(draft, 'schema').description = 'x'.repeat(1024 * 1024);
    const result = validateItemDraft(draft, secondVersion('SW-005'));
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: '/schema',
          message: `the schema is ${Buffer.byteLength(JSON.stringify(draft.schema))} bytes as JSON; at most 262144 are accepted`,
          messageZh: expect.stringContaining('超过上限 262144 字节'),
        },
      ],
      compatibility: null,
    });
  });

  it(`refuses a draft nested deeper than ${MAX_DRAFT_DEPTH} levels without walking it`, () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const draft = { ...draftOf('SW-005'), notes: deep };
    expect(validateItemDraft(draft, firstVersion('SW-005'))).toEqual({
      ok: false,
      problems: [
        expect.objectContaining({
          path: '',
          message: `the draft nests deeper than ${MAX_DRAFT_DEPTH} levels`,
        }),
      ],
      compatibility: null,
    });
  });

  it('refuses what is not an item document', () => {
    for (const garbage of [null, 42, 'draft', [], { schema: [] }])
      expect(validateItemDraft(garbage, firstVersion('SW-005')).ok).toBe(false);
  });

  it("leaves the caller's draft as it was (nothing frozen, no $id added)", () => {
    const draft = draftOf('SW-005');
    delete at(draft, 'schema').$id;
    validateItemDraft(draft, firstVersion('SW-005'));
    expect(Object.isFrozen(draft.examples)).toBe(false);
    expect(at(draft, 'schema').$id).toBeUndefined();
  });

  it('words every problem in Chinese too', () => {
    const draft = draftOf('SW-005');
    Object.assign(draft, { department: 'XX', level: 'village' });
    delete at(draft, 'schema', 'properties', 'crossRegionReportNo').maxLength;
    at(draft, 'examples', 'invalid', 0).envelope = at(draft, 'examples', 'valid', 0);
    const { problems } = validateItemDraft(draft, firstVersion('SW-005'));
    expect(problems.length).toBeGreaterThan(2);
    for (const p of problems) expect(p.messageZh).toMatch(/[\u4e00-\u9fa5]/u);
  });
});

// Draft validations share one ajv set-up (draft-validation/draft-ajv.ts), and ajv keeps what it
// compiled by $id: what one draft declared must not be found by the next, nor a failed compile be
// left behind, nor the published catalogue see any of it.
describe('validateItemDraft, one draft after another', () => {
  /** SW-005's next version whose schema demands a field its valid examples do not have. */
  function demandingDraft(): Json {
    const draft = nextVersionOf('SW-005');
    at(draft, 'schema', 'properties').remark = { title: '备注', type: 'string', maxLength: 20 };
    (at(draft, 'schema').required as string[]).push('remark');
    return draft;
  }

  /** SW-005's next version with a part declared under `$defs`, with `naming` (an $id or $anchor). */
  function declaring(naming: Json): Json {
    const draft = nextVersionOf('SW-005');
    at(draft, 'schema').$defs = {
      part: { title: '部件', type: 'string', maxLength: 8, ...naming },
    };
    return draft;
  }

  /** The same version that refers to that name without declaring it (its own part has none). */
  function referring(ref: string): Json {
    const draft = declaring({});
    at(draft, 'schema', 'properties').note = { title: '说明', $ref: ref };
    return draft;
  }

  it('gives two drafts of the same item and version, validated in turn, each its own result', () => {
    const plain = validateItemDraft(nextVersionOf('SW-005'), secondVersion('SW-005'));
    const demanding = validateItemDraft(demandingDraft(), secondVersion('SW-005'));
    expect(plain).toEqual({
      ok: true,
      problems: [],
      compatibility: { mode: 'BACKWARD', breaking: false, changes: [] },
    });
    expect(demanding.ok).toBe(false);
    expect(demanding.problems).toContainEqual(
      expect.objectContaining({ path: '/examples/valid/0/payload/remark' }),
    );
    expect(demanding.compatibility?.breaking).toBe(true);
    for (let round = 0; round < 3; round++) {
      expect(validateItemDraft(nextVersionOf('SW-005'), secondVersion('SW-005'))).toEqual(plain);
      expect(validateItemDraft(demandingDraft(), secondVersion('SW-005'))).toEqual(demanding);
    }
  });

  it.each([
    [
      'an $id',
      { $id: 'https://swgw.example/schemas/parts/part.schema.json' },
      'https://swgw.example/schemas/parts/part.schema.json',
    ],
    ['an $anchor', { $anchor: 'part' }, '#part'],
  ])('does not let a later draft find %s only an earlier draft declared', (_, naming, ref) => {
    const alone = validateItemDraft(referring(ref), secondVersion('SW-005'));
    expect(alone.problems).toContainEqual(
      expect.objectContaining({
        path: '/schema',
        message: expect.stringMatching(/^does not compile in strict mode: can't resolve reference/),
      }),
    );
    expect(validateItemDraft(declaring(naming), secondVersion('SW-005')).ok).toBe(true);
    expect(validateItemDraft(referring(ref), secondVersion('SW-005'))).toEqual(alone);
  });

  /** Drafts of SW-005 version 2 that fail at each step of ajv's compile. */
  const failing: [string, () => Json][] = [
    [
      'an unknown keyword (strict mode, after the $id is registered)',
      () => {
        const draft = nextVersionOf('SW-005');
        at(draft, 'schema', 'properties', 'crossRegionReportNo').maxLenght = 40;
        return draft;
      },
    ],
    [
      'a schema the meta-schema refuses (after its names are registered)',
      () => {
        const draft = declaring({ $id: 'https://swgw.example/schemas/parts/part.schema.json' });
        at(draft, 'schema', 'properties', 'crossRegionReportNo').type = 'strin';
        return draft;
      },
    ],
    [
      'one $id declared twice (while its names are being registered)',
      () => {
        const draft = declaring({ $id: 'https://swgw.example/schemas/parts/part.schema.json' });
        at(draft, 'schema', '$defs').other = {
          $id: 'https://swgw.example/schemas/parts/part.schema.json',
          title: '另一部件',
          type: 'integer',
        };
        return draft;
      },
    ],
    [
      'a reference that resolves to nothing',
      () => referring('https://swgw.example/schemas/parts/none.schema.json'),
    ],
    [
      'a typed result that does not compile (after the item schema did)',
      () => {
        const draft = nextVersionOf('SW-005');
        at(draft, 'schema', 'resultSchema', 'properties', 'outcome').maxLenght = 10;
        return draft;
      },
    ],
  ];

  it.each(failing)('is not poisoned by an earlier draft with %s', (_, failingDraft) => {
    const first = validateItemDraft(failingDraft(), secondVersion('SW-005'));
    expect(first.ok).toBe(false);
    expect(first.problems).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('strict mode') }),
    );
    expect(validateItemDraft(nextVersionOf('SW-005'), secondVersion('SW-005'))).toEqual({
      ok: true,
      problems: [],
      compatibility: { mode: 'BACKWARD', breaking: false, changes: [] },
    });
    expect(validateItemDraft(failingDraft(), secondVersion('SW-005'))).toEqual(first);
  });

  it("leaves the published catalogue's validators as they were, for the same item and version", () => {
    const registry = createSchemaRegistry({
      divisions,
      items: [loadCatalogue().find((item) => item.code === 'SW-005')!],
    });
    const validator = registry.validatorFor('SW-005', 1);
    const valid = () => structuredClone(registry.examplesFor('SW-005')!.valid[0]) as Json;
    const tooLong = () => {
      const body = valid();
      at(body, 'payload').crossRegionReportNo = '1'.repeat(41);
      return body;
    };
    const refusedBefore = rejectionOf(() => registry.validateSubmission(tooLong())).errors;
    // Drafts of the very version the catalogue publishes: a stricter schema, one declaring a
    // name, one that fails to compile.
    const stricter = draftOf('SW-005');
    at(stricter, 'schema', 'properties', 'crossRegionReportNo').maxLength = 10;
    expect(validateItemDraft(stricter, firstVersion('SW-005')).ok).toBe(false);
    const named = draftOf('SW-005');
    at(named, 'schema').$defs = {
      part: {
        $id: 'https://swgw.example/schemas/parts/part.schema.json',
        title: '部件',
        type: 'string',
        maxLength: 8,
      },
    };
    validateItemDraft(named, firstVersion('SW-005'));
    const broken = draftOf('SW-005');
    at(broken, 'schema', 'properties', 'crossRegionReportNo').maxLenght = 40;
    expect(validateItemDraft(broken, firstVersion('SW-005')).ok).toBe(false);

    expect(registry.validatorFor('SW-005', 1)).toBe(validator);
    expect(registry.validateSubmission(valid()).item.version).toBe(1);
    expect(rejectionOf(() => registry.validateSubmission(tooLong())).errors).toEqual(refusedBefore);
  });

  it('reads the shared definitions again, so a changed defs.schema.json is the one drafts meet', () => {
    const schemasDir = mkdtempSync(join(tmpdir(), 'draft-defs-'));
    try {
      for (const file of ['defs.schema.json', 'envelope.schema.json'])
        cpSync(projectPath('schemas', file), join(schemasDir, file));
      const context = { ...secondVersion('SW-005'), schemasDir };
      expect(validateItemDraft(nextVersionOf('SW-005'), context).ok).toBe(true);
      const defs = JSON.parse(readFileSync(join(schemasDir, 'defs.schema.json'), 'utf8')) as Json;
      at(defs, '$defs', 'shortText').maxLength = 4;
      writeFileSync(join(schemasDir, 'defs.schema.json'), JSON.stringify(defs));
      expect(validateItemDraft(nextVersionOf('SW-005'), context).problems).toContainEqual(
        expect.objectContaining({
          message: expect.stringContaining('must NOT have more than 4 characters'),
        }),
      );
    } finally {
      rmSync(schemasDir, { recursive: true, force: true });
    }
  });
});
