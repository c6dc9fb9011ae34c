// `npm run cli -- data-keys census | reseal --portal` end to end (README.md#operator-cli,
// README.md#the-taxpayer-portal): the CLI as a separate process with only the portal's store
// settings (PORTAL_REDIS_URL, PORTAL_REDIS_PREFIX, PORTAL_DATA_KEYS listing k2,k1) and no gateway.
// Case records the portal sealed under k1 are counted as needing k1, re-sealed under k2, and k1 is
// then said to be removable; a portal listing only k2 opens them. A record under a key the portal
// no longer lists is counted as such and left as it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataKeys, parseDataKeys } from '../../gateway/personal-data/data-keys.ts';
import { createSealer, sealedKeyId } from '../../gateway/personal-data/sealed-data.ts';
import { PortalCases } from '../../portal/server/portal-cases.ts';
import { portalKeys } from '../../portal/server/portal-keys.ts';
import { runCli, type CliRun } from '../support/cli-run.ts';
import { plainRedis, testRedisUrl, uniquePrefix } from '../support/redis.ts';

const [K0, K1, K2] = ['k0', 'k1', 'k2'].map((id) => generateDataKeys(id)) as [
  string,
  string,
  string,
];
const idOf = (keys: string) => keys.split(':')[0]!;
const [k0, k1, k2] = [idOf(K0), idOf(K1), idOf(K2)];
const prefix = uniquePrefix('cli-portal-keys');
const keys = portalKeys(
  prefix,
  parseDataKeys(generateDataKeys('login'), undefined, 'test').current,
);
const redis = plainRedis();
const values = (i: number) => ({ agreementNo: '5303230001234567', lines: [{ amount: i }] });
const ids = [
  '01CLIPORTAL00000000000000A',
  '01CLIPORTAL00000000000000B',
  '01CLIPORTAL00000000000000C',
];
const lost = '01CLIPORTAL00000000000000Z';

/** The portal's record of cases as the portal writes it, sealed under `dataKeys`. */
const casesUnder = (dataKeys: string) =>
  new PortalCases({
    redis,
    keys,
    sealer: createSealer(parseDataKeys(dataKeys, undefined, 'test')),
    retentionDays: 1,
  });

const record = (caseId: string, i: number) => ({
  caseId,
  login: 'shudao',
  itemCode: 'SW-005',
  values: values(i),
  submittedAt: new Date().toISOString(),
  status: 'ROUTED',
});

beforeAll(async () => {
  const underK1 = casesUnder(K1);
  for (const [i, id] of ids.entries()) await underK1.add(record(id, i));
  // Sealed under a key since dropped from PORTAL_DATA_KEYS: nothing opens it any more.
  await casesUnder(K0).add(record(lost, 9));
});
afterAll(() => redis.disconnect());

/** The CLI with the portal's store settings only: no gateway, no GW_* variable. */
function run(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, {
    PORTAL_REDIS_URL: testRedisUrl(),
    PORTAL_REDIS_PREFIX: prefix,
    PORTAL_DATA_KEYS: `${K2},${K1}`,
    ...env,
  });
}

describe("data-keys --portal, in the portal's own Redis", () => {
  it('census: counts the form values by key, says k1 is still needed and k0 not listed', async () => {
    const { code, stdout, stderr } = await run(['data-keys', 'census', '--portal']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`portal: current key ${k2}; listed ${k2}, ${k1}`);
    expect(stdout).toContain('case records 4');
    expect(stdout).toContain(
      `${k1}: still needed: 3 records sealed under it (run \`data-keys reseal --portal\`)`,
    );
    expect(stdout).toContain(`${k0}: not listed: 1 records this portal cannot open`);
  });

  it("refuses, in one line naming the variable, to run without the portal's Redis", async () => {
    const outcome = await run(['data-keys', 'census', '--portal'], { PORTAL_REDIS_URL: '' });
    expect(outcome.code).toBe(1);
    const lines = outcome.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toEqual([
      expect.stringMatching(/^the portal's settings: PORTAL_REDIS_URL is required/),
    ]);
  });

  it('reseal: re-seals the three under k2, leaves the one under k0, then says k1 can be removed', async () => {
    const { code, stdout, stderr } = await run([
      'data-keys',
      'reseal',
      '--portal',
      '--limit',
      '50',
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`portal: re-sealed under ${k2}: 3 form values (4 case records seen)`);
    expect(stdout).toContain(`  ${lost} form values: unknown-key (key ${k0})`);
    expect(stdout).toContain(
      `${k1}: no record sealed under it: can be removed from PORTAL_DATA_KEYS`,
    );
    for (const id of ids) {
      expect(sealedKeyId((await redis.hgetBuffer(keys.case(id), 'values'))!)).toBe(k2);
    }
    expect(sealedKeyId((await redis.hgetBuffer(keys.case(lost), 'values'))!)).toBe(k0);

    const json = await run(['data-keys', 'census', '--portal', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      currentKeyId: k2,
      listedKeyIds: [k2, k1],
      cases: 4,
      formValues: { [k2]: 3, [k0]: 1 },
      keys: [
        { keyId: k2, verdict: 'current', records: 3 },
        { keyId: k1, verdict: 'removable', records: 0 },
        { keyId: k0, verdict: 'not-listed', records: 1 },
      ],
    });
  });

  it('leaves every re-sealed record readable by a portal that lists only k2', async () => {
    const onlyK2 = casesUnder(K2);
    for (const [i, id] of ids.entries()) {
      expect((await onlyK2.get(id))?.values).toEqual(values(i));
    }
  });
});
