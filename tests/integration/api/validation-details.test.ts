// What a 422 says failed (README.md#errors): a title names only its code, and the detail says
// what was checked. GW_VALIDATION_FAILED is a schema mismatch, naming the schema, but also a body
// that matches its schema and fails a check beyond it (a refused callbackUrl, an event's time);
// those are never told as a schema mismatch. GW_PAYLOAD_INVALID says whether the item's schema or
// its cross-field rules refused the payload. Real gateway on the test Redis.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { paidResult } from '../../support/payment-results.ts';

interface Problem {
  code: string;
  title: string;
  detail: string;
  errors?: { path: string; keyword?: string; message?: string; messageZh?: string }[];
}

let gw: ApiGateway;
let seq = 0;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw?.close());

const submit = (body: unknown) =>
  gw
    .client('portal-sc')
    .submitCase<Problem & { caseId: string }>(body, `detail-${seq++}-${Date.now()}`);

function invalidSw005(keyword: string): unknown {
  const examples = JSON.parse(
    readFileSync(projectPath('schemas/items', 'SW-005.examples.json'), 'utf8'),
  ) as { invalid: { keyword: string; envelope: unknown }[] };
  return examples.invalid.find((example) => example.keyword === keyword)!.envelope;
}

describe('GW_VALIDATION_FAILED', () => {
  it('has a title that claims no schema, and a detail naming the schema a body misses', async () => {
    const caseId = (await submit(validExample('SW-005'))).body.caseId;
    const res = await gw
      .client('province-yn')
      .request<Problem>('POST', `/v1/cases/${caseId}/events`, {
        json: { type: 'finished', at: 'x' },
      });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(res.body.title).toBe('The request failed validation');
    expect(res.body.detail).toBe(
      'The body does not match the CaseEvent schema (OpenAPI components/schemas/CaseEvent): 2 problems, each in errors',
    );
  });

  it("names the envelope's schema for a submission that misses it", async () => {
    const res = await submit({ ...validExample('SW-005'), mode: 'teleport' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toBe(
      'The envelope does not match its schema (OpenAPI components/schemas/envelope, schemas/envelope.schema.json): 1 problem, each in errors',
    );
  });

  it('says a refused callbackUrl is refused, not that the envelope misses its schema', async () => {
    const res = await submit({
      ...validExample('SW-005'),
      callbackUrl: 'https://user:pw@portal.example/callbacks',
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'GW_VALIDATION_FAILED',
      title: 'The request failed validation',
      detail:
        'The envelope matches its schema but its callbackUrl is refused: it must not carry credentials',
      errors: [expect.objectContaining({ path: '/callbackUrl' })],
    });
  });

  it("says an event's time is outside what the case accepts, with a title that claims no schema", async () => {
    const caseId = (await submit(validExample('SW-005'))).body.caseId;
    const ahead = new Date(Date.now() + 3_600_000).toISOString();
    const res = await gw
      .client('province-yn')
      .request<Problem>('POST', `/v1/cases/${caseId}/events`, {
        json: { type: 'accepted', at: ahead },
      });
    expect(res.status).toBe(422);
    expect(res.body.title).not.toMatch(/schema/);
    expect(res.body.detail).toMatch(/^The event's time \(at\) matches its schema but lies outside/);
  });
});

describe('GW_PAYLOAD_INVALID', () => {
  it("says the payload misses the item's schema when it does", async () => {
    const res = await submit(invalidSw005('pattern'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_PAYLOAD_INVALID');
    expect(res.body.title).toBe("The payload does not meet the item's requirements");
    expect(res.body.detail).toBe(
      'The payload does not match the schema of SW-005 v1: 1 problem, each in errors',
    );
  });

  it('says the payload matches the schema and breaks a cross-field rule when it does', async () => {
    const res = await submit(invalidSw005('sum-equals'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_PAYLOAD_INVALID');
    expect(res.body.detail).toBe(
      "The payload matches the schema of SW-005 v1 but breaks its cross-field rules (each problem's keyword names its rule): 1 problem, each in errors",
    );
    expect(res.body.errors).toEqual([expect.objectContaining({ keyword: 'sum-equals' })]);
  });
});

// Found by a client written from README.md alone: an amount sent as "38400" or "12", an event's
// `at` without its offset and `limit=0` were told only as ajv's mechanism (`must match pattern
// "^(?!0\.00$)(0|[1-9][0-9]{0,14})\.[0-9]{2}$"`, `must match format "date-time"`), and a refused
// callbackUrl's messageZh was 回调地址不允许 whatever the reason.
describe('a refusal says in words what a shared pattern or format asks for', () => {
  const AMOUNT = '^(?!0\\.00$)(0|[1-9][0-9]{0,14})\\.[0-9]{2}$';

  it('words an amount without its two decimal places, in a payload, in English and Chinese, each quoting the pattern', async () => {
    const envelope = validExample('SW-005') as { payload: { lines: { amount: string }[] } };
    envelope.payload.lines[0]!.amount = '38400';
    const res = await submit(envelope);
    expect(res.body.code).toBe('GW_PAYLOAD_INVALID');
    expect(res.body.errors).toContainEqual({
      path: '/payload/lines/0/amount',
      keyword: 'pattern',
      message: `must be an amount in yuan greater than zero, as a string with exactly two decimal places ("40320.00", not 40320 or "40320") (pattern "${AMOUNT}")`,
      messageZh: `应为大于零的金额（元），写作恰好两位小数的字符串（如 "40320.00"，不能是 40320 或 "40320"）；应当匹配模式 "${AMOUNT}"`,
    });
  });

  it("words a decided result's amount without its two decimal places (GW_RESULT_INVALID)", async () => {
    const caseId = (await submit(validExample('SW-005'))).body.caseId;
    const res = await gw
      .client('province-yn')
      .request<Problem>('POST', `/v1/cases/${caseId}/events`, {
        json: {
          type: 'decided',
          at: new Date().toISOString(),
          result: { ...paidResult(), totalAmount: '12' },
        },
      });
    expect(res.body.code).toBe('GW_RESULT_INVALID');
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: '/result/totalAmount',
        message: expect.stringMatching(
          /^must be an amount in yuan greater than zero, as a string with exactly two decimal places/,
        ),
      }),
    ]);
  });

  it("tells a result whose outcome is none of its values only that, not the other outcome's fields", async () => {
    const caseId = (await submit(validExample('SW-005'))).body.caseId;
    const res = await gw
      .client('province-yn')
      .request<Problem>('POST', `/v1/cases/${caseId}/events`, {
        json: {
          type: 'decided',
          at: new Date().toISOString(),
          result: { ...paidResult(), outcome: 'settled' },
        },
      });
    expect(res.body.code).toBe('GW_RESULT_INVALID');
    expect(res.body.errors).toEqual([
      {
        path: '/result/outcome',
        keyword: 'enum',
        message: 'must be one of: "paid", "failed"',
        messageZh: '应为以下值之一:"paid"、"failed"',
      },
    ]);
  });

  it("words an event's at without its offset as an RFC 3339 date-time with its offset, in English and Chinese", async () => {
    const caseId = (await submit(validExample('SW-005'))).body.caseId;
    const res = await gw
      .client('province-yn')
      .request<Problem>('POST', `/v1/cases/${caseId}/events`, {
        json: { type: 'accepted', at: '2026-12-05T08:00:00' },
      });
    expect(res.body.errors).toEqual([
      {
        path: '/at',
        keyword: 'format',
        message:
          'must be an RFC 3339 date-time with its offset ("2026-12-04T10:00:00+08:00" or "2026-12-04T02:00:00Z") (format "date-time")',
        messageZh:
          '应为带时区偏移的 RFC 3339 日期时间（如 "2026-12-04T10:00:00+08:00" 或 "2026-12-04T02:00:00Z"）；应当匹配格式 "date-time"',
      },
    ]);
  });

  it.each(['2026-12-05T08:00:00+0800', '2026-12-05 08:00:00+08:00', '1999-12-05T08:00:00Z'])(
    "words an event's at %s, a date-time RFC 3339's grammar or the calendar years refuse, as what it must be",
    async (at) => {
      const caseId = (await submit(validExample('SW-005'))).body.caseId;
      const res = await gw
        .client('province-yn')
        .request<Problem>('POST', `/v1/cases/${caseId}/events`, { json: { type: 'accepted', at } });
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          path: '/at',
          keyword: 'pattern',
          message: expect.stringMatching(
            /^must be an RFC 3339 date-time in the years 2000–2100, with a "T" between date and time and its offset as ±hh:mm or Z \("2026-12-04T10:00:00\+08:00", not "\+0800" nor a space for the "T"\) \(pattern "\^/,
          ) as unknown,
        }),
      ]);
    },
  );

  it('words a list limit outside 1–200 as a whole number from 1 to 200', async () => {
    const res = await gw
      .client('province-yn')
      .request<Problem>('GET', '/v1/supervision/notices?limit=0');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: '/query/limit',
        message: 'must be a whole number from 1 to 200 (pattern "^(200|1[0-9]{2}|[1-9][0-9]?)$")',
      }),
    ]);
  });

  // A second client written from the README alone met the bare regular expression for every other
  // shared pattern: a province's provinceCaseNo, a portal's relatedCaseId.
  it("words an event's provinceCaseNo with a space as the characters it may hold, in English and Chinese", async () => {
    const caseId = (await submit(validExample('SW-005'))).body.caseId;
    const res = await gw
      .client('province-yn')
      .request<Problem>('POST', `/v1/cases/${caseId}/events`, {
        json: { type: 'accepted', at: new Date().toISOString(), provinceCaseNo: 'YN 2026/01' },
      });
    expect(res.body.errors).toEqual([
      {
        path: '/provinceCaseNo',
        keyword: 'pattern',
        message:
          'must be 1 to 64 characters, each a digit 0–9, an upper-case letter A–Z, a lower-case letter a–z, "_" or "-" (pattern "^[0-9A-Za-z_-]{1,64}$")',
        messageZh:
          '应为 1 至 64 个字符，每个为数字 0–9、大写字母 A–Z、小写字母 a–z、"_" 或 "-"；应当匹配模式 "^[0-9A-Za-z_-]{1,64}$"',
      },
    ]);
  });

  it("words a submission's relatedCaseId that is no case id as what a case id is", async () => {
    const res = await submit({ ...validExample('SW-005'), relatedCaseId: 'order-4711' });
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: '/relatedCaseId',
        message: expect.stringMatching(
          /^must be a case id as the gateway gave it: 26 digits and upper-case letters other than I, L, O and U \(pattern/,
        ) as unknown,
      }),
    ]);
  });

  it("tells a decided result's taxVoucherNo one digit too long once, as too long", async () => {
    const caseId = (await submit(validExample('SW-005'))).body.caseId;
    const res = await gw
      .client('province-yn')
      .request<Problem>('POST', `/v1/cases/${caseId}/events`, {
        json: {
          type: 'decided',
          at: new Date().toISOString(),
          result: { ...paidResult(), taxVoucherNo: '1'.repeat(21) },
        },
      });
    expect(res.body.code).toBe('GW_RESULT_INVALID');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: '/result/taxVoucherNo', keyword: 'maxLength' }),
    ]);
  });

  it('still tells a too-long value whose characters the pattern refuses as well twice', async () => {
    const res = await submit({ ...validExample('SW-005'), itemCode: '税务税务税务税' });
    expect(res.body.errors?.map((e) => e.keyword)).toEqual(['maxLength', 'pattern']);
  });

  // 37 item patterns that are not one character class repeated were told only as the regular
  // expression, in English and Chinese: a VIN, certificate numbers, decimal quantities.
  it("words an item's own pattern, a VIN holding an I, in English and Chinese, each quoting the pattern", async () => {
    const VIN = '^[A-HJ-NPR-Z0-9]{17}$';
    const envelope = validExample('GA-007') as { payload: { vehicle: { vin: string } } };
    envelope.payload.vehicle.vin = 'LSVAM4187C218453I';
    const res = await gw.client('portal-yn').submitCase<Problem>(envelope, `vin-${Date.now()}`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_PAYLOAD_INVALID');
    expect(res.body.errors).toEqual([
      {
        path: '/payload/vehicle/vin',
        keyword: 'pattern',
        message: `must be a vehicle identification number (VIN): 17 characters, each a digit 0–9 or an upper-case letter other than I, O and Q ("LSVAM4187C2184530") (pattern "${VIN}")`,
        messageZh: `应为车辆识别代号（VIN）：17 个字符，每个为数字 0–9 或除 I、O、Q 外的大写字母（如 "LSVAM4187C2184530"）；应当匹配模式 "${VIN}"`,
      },
    ]);
  });

  it("words an item's one-class pattern, SW-005's agreementNo, in Chinese too", async () => {
    const envelope = validExample('SW-005') as { payload: { agreementNo: string } };
    envelope.payload.agreementNo = '12ab';
    const res = await submit(envelope);
    expect(res.body.errors).toEqual([
      {
        path: '/payload/agreementNo',
        keyword: 'pattern',
        message:
          'must be 6 to 32 characters, each a digit 0–9, an upper-case letter A–Z or a lower-case letter a–z (pattern "^[0-9A-Za-z]{6,32}$")',
        messageZh:
          '应为 6 至 32 个字符，每个为数字 0–9、大写字母 A–Z 或小写字母 a–z；应当匹配模式 "^[0-9A-Za-z]{6,32}$"',
      },
    ]);
  });

  it("names the refused query parameters and what each must be in a 400's detail, not the title again", async () => {
    const res = await gw
      .client('province-yn')
      .request<Problem>('GET', '/v1/rectifications?limit=0&status=DONE');
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe(
      'Invalid parameter: status must be one of: "OPEN", "VISITED", "RECTIFIED", "EXPLAINED", "APPEALED", "VOIDED", "CLOSED"; limit must be a whole number from 1 to 200 (pattern "^(200|1[0-9]{2}|[1-9][0-9]?)$")',
    );
  });

  it("gives a refused callbackUrl's reason in messageZh too", async () => {
    const res = await submit({
      ...validExample('SW-005'),
      callbackUrl: 'https://user:pw@portal.example/callbacks',
    });
    expect(res.body.errors).toEqual([
      {
        path: '/callbackUrl',
        message: 'callbackUrl must not carry credentials',
        messageZh: '回调地址不得包含用户名或密码',
      },
    ]);
  });
});
