// The console's field table of an item schema (gateway/console/catalogue-fields.ts) on published
// schemas with their shared definitions, and on hand-made corner cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencedDefinitions } from '../../../gateway/catalogue/referenced-definitions.ts';
import { schemaFields } from '../../../gateway/console/catalogue-fields.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

const read = (path: string) =>
  JSON.parse(readFileSync(projectPath('schemas', path), 'utf8')) as Record<string, unknown>;
const defsDocument = read('defs.schema.json');

function fieldsOf(code: string) {
  const schema = read(`items/${code}.schema.json`);
  return schemaFields(schema, referencedDefinitions(schema, defsDocument));
}

describe('schemaFields', () => {
  it('follows a shared $ref into defs for the type, limits and personal kind of SW-005 taxpayerName', () => {
    const row = fieldsOf('SW-005').find((r) => r.pointer === '/taxpayerName');
    expect(row).toMatchObject({ title: '纳税人名称', type: 'string', ref: 'orgName' });
    expect(row?.constraints).toContain('maxLength: 100');
  });

  it('locates nested fields by pointer and names the division table of SW-005 /project/region', () => {
    const rows = fieldsOf('SW-005');
    const region = rows.find((r) => r.pointer === '/project/region');
    expect(region).toMatchObject({
      title: '项目所在地',
      required: true,
      division: 'divisionCode: member',
    });
    expect(rows.find((r) => r.pointer === '/project/contractPeriod')?.required).toBe(false);
  });

  it('marks a field personal when its definition is (GA-001 names an id-number field)', () => {
    const personal = fieldsOf('GA-001').filter((r) => r.personal?.startsWith('id-number'));
    expect(personal.length).toBeGreaterThan(0);
  });

  it('gives array elements a * token, escapes / and ~ in keys, and marks if/then fields conditional', () => {
    const rows = schemaFields({
      type: 'object',
      properties: {
        'a/b~c': { type: 'string' },
        list: {
          type: 'array',
          items: {
            type: 'object',
            properties: { x: { type: 'integer', minimum: 1 } },
            required: ['x'],
          },
        },
        kind: { enum: ['p', 'q'] },
      },
      required: ['list'],
      if: { properties: { kind: { const: 'p' } } },
      then: { properties: { extra: { title: '附加', type: 'string' } }, required: ['extra'] },
    });
    expect(rows.map((r) => r.pointer)).toEqual([
      '/a~1b~0c',
      '/list',
      '/list/*',
      '/list/*/x',
      '/kind',
      '/extra',
    ]);
    expect(rows.find((r) => r.pointer === '/list/*/x')).toMatchObject({
      required: true,
      constraints: ['minimum: 1'],
    });
    expect(rows.find((r) => r.pointer === '/extra')).toMatchObject({
      title: '附加',
      conditional: true,
    });
    expect(rows.find((r) => r.pointer === '/kind')?.constraints).toEqual(['enum: p, q']);
  });

  it('answers no rows, without throwing, for a schema that is not an object or refers in a loop', () => {
    expect(schemaFields('nope')).toEqual([]);
    const rows = schemaFields({
      properties: { a: { $ref: '#/$defs/x' } },
      $defs: { x: { $ref: '#/$defs/x' } },
    });
    expect(rows.map((r) => r.pointer)).toEqual(['/a']);
  });
});
