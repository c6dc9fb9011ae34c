// The catalogue refuses a field that looks personal by its form but has no x-personal annotation
// (gateway/personal-data/personal-check.ts), at start and for any item compiled later, naming the
// item, the field's pointer and the rule that fired.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogueInvalidError } from '../../../gateway/catalogue/catalogue-error.ts';
import { loadCatalogue } from '../../../gateway/catalogue/catalogue-loader.ts';
import { createSchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import { unannotatedPersonalFields } from '../../../gateway/personal-data/personal-check.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { divisions } from '../catalogue/support.ts';

const defs = JSON.parse(readFileSync(projectPath('schemas', 'defs.schema.json'), 'utf8')) as Record<
  string,
  unknown
>;
const field = (schema: Record<string, unknown>) =>
  unannotatedPersonalFields({ type: 'object', properties: { f: schema } }, { defs });
const text = { type: 'string', maxLength: 40 };

describe('fields that look personal', () => {
  it.each([
    ['the idNumber keyword', { ...text, idNumber: true }, /idNumber keyword/],
    ['the taxpayerId keyword', { ...text, taxpayerId: true }, /taxpayerId keyword/],
    ['an ID-number pattern', { ...text, pattern: '^[GJL][0-9]{17}[0-9X]$' }, /ID number/],
    ['a mobile pattern', { ...text, pattern: '^1[3-9][0-9]{9}$' }, /mobile phone pattern/],
    ['a copy of a personal pattern', { ...text, pattern: '^[0-9]{8,32}$' }, /bankAccount/],
    ['a 姓名 title', { ...text, title: '配偶姓名' }, /person's name/],
    ['a …人 title', { ...text, title: '债务人' }, /person's name/],
    ['a 电话 title', { ...text, title: '紧急联系电话' }, /phone/],
    ['a 账号 title', { ...text, title: '个人住房公积金账号' }, /account/],
    ['a 身份证 title', { ...text, title: '监护人身份证件号' }, /ID number/],
    ['a 住址 title', { ...text, title: '家庭住址' }, /address/],
    ['an email format', { ...text, format: 'email' }, /e-mail/],
  ])('finds %s', (_label, schema, rule) => {
    expect(field(schema)).toEqual([{ pointer: '/f', rule: expect.stringMatching(rule) }]);
  });

  it.each([
    ['annotated', { ...text, title: '姓名', 'x-personal': 'name' }],
    ['a $ref to a personal definition', { $ref: '../defs.schema.json#/$defs/idNumber' }],
    ['a closed list', { ...text, title: '联系电话类型', enum: ['mobile', 'landline'] }],
    ['a URI titled 地址', { ...text, title: '材料地址', format: 'uri' }],
    ['a plain string', { ...text, title: '备注' }],
  ])('lets %s pass', (_label, schema) => {
    expect(field(schema)).toEqual([]);
  });

  it('finds an unannotated field under an annotated-free array, with its * pointer', () => {
    const schema = {
      type: 'array',
      maxItems: 5,
      items: { type: 'object', properties: { p: { ...text, title: '手机' } } },
    };
    expect(field(schema)).toEqual([{ pointer: '/f/*/p', rule: expect.stringMatching(/phone/) }]);
  });
});

describe('the registry', () => {
  const sw005 = loadCatalogue().find((item) => item.code === 'SW-005')!;
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swgw-personal-'));
    mkdirSync(join(dir, 'items'));
    for (const file of ['defs.schema.json', 'envelope.schema.json', 'catalogue.json'])
      cpSync(projectPath('schemas', file), join(dir, file));
    for (const file of ['SW-005.schema.json', 'SW-005.examples.json'])
      cpSync(projectPath('schemas', 'items', file), join(dir, 'items', file));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function refusal(): CatalogueInvalidError {
    try {
      createSchemaRegistry({ divisions, items: [sw005], schemasDir: dir });
    } catch (error) {
      if (error instanceof CatalogueInvalidError) return error;
      throw error;
    }
    throw new Error('expected the registry to refuse to build');
  }

  function editItem(edit: (schema: { properties: Record<string, unknown> }) => void): void {
    const file = join(dir, 'items', 'SW-005.schema.json');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as {
      properties: Record<string, unknown>;
    };
    edit(schema);
    writeFileSync(file, JSON.stringify(schema));
  }

  it('builds from the intact copy, so each refusal below comes from its one change', () => {
    expect(createSchemaRegistry({ divisions, items: [sw005], schemasDir: dir }).counts.items).toBe(
      1,
    );
  });

  it('refuses an unannotated ID number field, naming the item, the pointer and the rule', () => {
    editItem((schema) => {
      schema.properties.spouseIdNo = {
        title: '配偶证件号',
        type: 'string',
        maxLength: 18,
        idNumber: true,
      };
    });
    expect(refusal().problems).toEqual([
      'SW-005 v1: items/SW-005.schema.json: /payload/spouseIdNo looks personal (the idNumber keyword (a resident ID number)) but has no x-personal annotation',
    ]);
  });

  it('refuses a field that copies the phone pattern instead of referencing the definition', () => {
    editItem((schema) => {
      schema.properties.mobile = {
        title: '备用号码',
        type: 'string',
        maxLength: 11,
        pattern: '^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$',
      };
    });
    expect(refusal().problems.join('\n')).toMatch(
      /\/payload\/mobile looks personal \(the pattern of the personal definition phone\)/,
    );
  });

  it('refuses the whole catalogue when a shared definition loses its annotation', () => {
    const file = join(dir, 'defs.schema.json');
    const shared = JSON.parse(readFileSync(file, 'utf8')) as {
      $defs: Record<string, Record<string, unknown>>;
    };
    delete shared.$defs.idNumber!['x-personal'];
    writeFileSync(file, JSON.stringify(shared));
    const problems = refusal().problems.join('\n');
    expect(problems).toMatch(
      /envelope\.schema\.json: \/applicant\/idNumber looks personal \(the idNumber keyword/,
    );
    expect(problems).toMatch(/envelope\.schema\.json: \/applicant\/contactIdNumber looks personal/);
  });

  it('refuses an annotation that names no kind (ajv checks the keyword when the schema compiles)', () => {
    editItem((schema) => {
      schema.properties.note = {
        title: '说明',
        type: 'string',
        maxLength: 10,
        'x-personal': 'secret',
      };
    });
    expect(refusal().problems.join('\n')).toMatch(/strict mode: .*x-personal/);
  });

  it('refuses a recursive schema that branches too much to locate its personal data', () => {
    editItem((schema) => {
      (schema as Record<string, unknown>).$defs = {
        ...((schema as Record<string, unknown>).$defs as object),
        tree: {
          type: 'object',
          additionalProperties: false,
          properties: {
            left: { $ref: '#/$defs/tree' },
            right: { $ref: '#/$defs/tree' },
            name: { $ref: '../defs.schema.json#/$defs/personName' },
          },
        },
      };
      schema.properties.tree = { title: '树', $ref: '#/$defs/tree' };
    });
    expect(refusal().problems.join('\n')).toMatch(/cannot locate its personal data: .*recursive/);
  });
});
