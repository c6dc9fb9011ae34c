// Masking walks compiled personal locations (gateway/personal-data/mask-personal.ts): every value
// they reach is masked by its kind, nothing else changes, and the input is left as it was.
import { describe, expect, it } from 'vitest';
import { maskPersonal, personalValues } from '../../../gateway/personal-data/mask-personal.ts';
import type { PersonalLocations } from '../../../gateway/personal-data/personal-locations.ts';

const at = (pointer: string, kind: PersonalLocations[number]['kind']) => ({
  pointer,
  tokens: pointer.split('/').slice(1),
  kind,
});
const locations: PersonalLocations = [
  at('/applicant/idNumber', 'id-number'),
  at('/payload/children/*/name', 'name'),
  at('/payload/byRole/*', 'phone'),
  at('/payload/whole', 'name'),
];
const submission = {
  itemCode: 'GA-015',
  applicant: { type: 'person', name: '张三', idNumber: '51010419850315231X' },
  payload: {
    children: [{ name: '张小明', age: 3 }, { name: '张小红' }],
    byRole: { father: '13812345678', mother: '13987654321' },
    whole: { nested: ['王五', { deeper: '赵六' }], count: 2 },
    other: '13812345678',
  },
};

describe('maskPersonal', () => {
  it('masks each located value by its kind, through array elements, map values and objects', () => {
    expect(maskPersonal(submission, locations)).toEqual({
      itemCode: 'GA-015',
      applicant: { type: 'person', name: '张三', idNumber: '5101**********231X' },
      payload: {
        children: [{ name: '张**', age: 3 }, { name: '张**' }],
        byRole: { father: '138****5678', mother: '139****4321' },
        whole: { nested: ['王*', { deeper: '赵*' }], count: 2 },
        // Not annotated, so not masked: masking follows the schema, not the shape of a value.
        other: '13812345678',
      },
    });
  });

  it('leaves its input untouched and ignores locations the value does not have', () => {
    const before = structuredClone(submission);
    maskPersonal(submission, [...locations, at('/payload/absent/name', 'name')]);
    expect(submission).toEqual(before);
  });

  it('masks the whole value when a location is the root', () => {
    expect(maskPersonal({ a: '张三' }, [{ pointer: '', tokens: [], kind: 'name' }])).toEqual({
      a: '张*',
    });
  });
});

describe('personalValues', () => {
  it('lists every personal string with its concrete pointer and kind', () => {
    expect(personalValues(submission, locations)).toEqual([
      { pointer: '/applicant/idNumber', kind: 'id-number', value: '51010419850315231X' },
      { pointer: '/payload/children/0/name', kind: 'name', value: '张小明' },
      { pointer: '/payload/children/1/name', kind: 'name', value: '张小红' },
      { pointer: '/payload/byRole/father', kind: 'phone', value: '13812345678' },
      { pointer: '/payload/byRole/mother', kind: 'phone', value: '13987654321' },
      { pointer: '/payload/whole/nested/0', kind: 'name', value: '王五' },
      { pointer: '/payload/whole/nested/1/deeper', kind: 'name', value: '赵六' },
    ]);
  });
});
