// The root logger censors personal fields by the paths the envelope and the shared definitions'
// annotations give (gateway/personal-data/log-redaction.ts), not by a hand-kept list.
import { describe, expect, it } from 'vitest';
import { personalLogPaths } from '../../../gateway/personal-data/log-redaction.ts';
import { memoryLogger } from '../../support/test-gateway.ts';

describe('log redaction', () => {
  it('derives its paths from the annotations of the envelope and the shared definitions', () => {
    const envelope = {
      properties: {
        applicant: { properties: { nickname: { $ref: 'defs.schema.json#/$defs/alias' } } },
      },
    };
    const defs = {
      $defs: {
        alias: { type: 'string', 'x-personal': 'name' },
        place: { properties: { street: { 'x-personal': 'address' } } },
      },
    };
    expect(personalLogPaths(envelope, defs).sort()).toEqual(
      [
        'applicant.nickname',
        '*.applicant.nickname',
        'nickname',
        '*.nickname',
        '*.*.nickname',
        'street',
        '*.street',
        '*.*.street',
      ].sort(),
    );
  });

  it('writes no applicant personal value of an envelope that reaches a log line', () => {
    const { logger, lines } = memoryLogger();
    const applicant = {
      type: 'person',
      name: '张三',
      idNumber: '51010419850315231X',
      phone: '13812345678',
      contactName: '李四',
      contactIdNumber: '510104198503152311',
    };
    logger.warn({ envelope: { itemCode: 'GA-001', applicant, payload: { x: '王五' } } }, 'x');
    logger.error({ applicant }, 'y');
    logger.info({ caseId: '01J', person: { name: '赵六', idNumber: '53032319900101123X' } }, 'z');
    // A shared definition's personal property (a location's address), wherever it sits.
    logger.info(
      { detail: { residence: { region: '510104', address: '成都市武侯区人民南路1号' } } },
      'a',
    );
    const written = JSON.stringify(lines());
    for (const value of [
      '张三',
      '51010419850315231X',
      '13812345678',
      '李四',
      '510104198503152311',
      '王五',
      '赵六',
      '人民南路',
      '53032319900101123X',
    ])
      expect(written).not.toContain(value);
    // Only the personal fields go: the rest of the line is still useful.
    expect(written).toContain('GA-001');
    expect(written).toContain('"type":"person"');
  });
});
