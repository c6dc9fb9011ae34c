// History notes from outside the gateway at rest (gateway/README.md#encryption-at-rest): a
// province's event note and a rectification clerk's note are sealed into their history entry
// (`sealedNote`), so no key under the gateway's prefix holds them in clear; the case and
// rectification reads open them, masked for a portal or province and whole for an operator with
// unmask. The gateway's own notes stay in clear; a note stored in clear before notes were sealed
// still reads; a sealed note with a changed byte or copied onto another entry reads as the
// placeholder, with the read answering 200 and a log line (where and why, never the note).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskFreeText } from '../../../gateway/personal-data/mask-free-text.ts';
import { UNREADABLE_NOTE } from '../../../gateway/personal-data/sealed-text.ts';
import { provinceOfRectification } from '../../../gateway/rectifications/rectification-record.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, event, readCase, submit } from '../../support/case-flow.ts';
import { evaluate, readRectification, rectificationEvent } from '../../support/evaluation-flow.ts';
import { inClear, keysUnder, rawBytes } from '../../support/personal-scan.ts';
import { plainRedis } from '../../support/redis.ts';

interface Entry {
  at: string;
  status: string;
  actor: string;
  note?: string;
  sealedNote?: string;
}
interface View {
  history: { status: string; actor: string; note?: string }[];
}

const ID_NUMBER = '510104199001011234';
const PHONE = '13800138000';
const NOTE = `申请人张三 身份证 ${ID_NUMBER}，电话 ${PHONE}，材料已收`;
/** Stored in clear by the legacy test: numbers of their own, so the scans of the others hold. */
const LEGACY_NOTE = '申请人李四 身份证 110101198503071236，电话 13912345678';

let gw: ApiGateway;
const redis = plainRedis();
beforeAll(async () => {
  gw = await startApiGateway({}, { relay: false });
});
afterAll(async () => {
  await gw?.close();
  redis.disconnect();
});

const historyKey = (caseId: string) => redisKeys(gw.config.keyPrefix).history(caseId);
const stored = async (caseId: string) =>
  (await redis.lrange(historyKey(caseId), 0, -1)).map((e) => JSON.parse(e) as Entry);
const notesOf = async (caseId: string, reader: string) =>
  (await readCase<View>(gw, caseId, reader)).history.map((h) => h.note);

/** A fresh SF-009 case (四川 collects, 云南 handles) accepted by yn with NOTE. */
async function acceptedWithNote(note = NOTE): Promise<string> {
  const { caseId } = await submit(gw, 'SF-009');
  await event(gw, 'province-yn', caseId, 'accepted', new Date().toISOString(), { note });
  return caseId;
}

describe("a province event's note", () => {
  it('is in no key under the prefix in clear: neither the ID number, the phone nor the name', async () => {
    const caseId = await acceptedWithNote();
    const bytes = await rawBytes(redis, await keysUnder(redis, gw.config.keyPrefix));
    expect(inClear(bytes, [ID_NUMBER, PHONE, '张三'])).toEqual([]);
    const sealed = (await stored(caseId)).filter((e) => e.sealedNote !== undefined);
    expect(sealed).toHaveLength(1);
    expect(sealed[0]).toMatchObject({ status: 'IN_PROGRESS', actor: 'province-yn' });
    expect(sealed[0]).not.toHaveProperty('note');
  });

  it("keeps the gateway's own note of the same event in clear ('reported by the province')", async () => {
    const caseId = await acceptedWithNote();
    expect(await stored(caseId)).toContainEqual(
      expect.objectContaining({ status: 'DELIVERED', note: 'reported by the province' }),
    );
  });

  it('reads masked in the case history for the portal and the province, whole for an operator with unmask', async () => {
    const caseId = await acceptedWithNote();
    const masked = maskFreeText(NOTE);
    expect(masked).not.toContain(ID_NUMBER);
    expect(masked).not.toContain(PHONE);
    expect(await notesOf(caseId, 'portal-sc')).toContain(masked);
    expect(await notesOf(caseId, 'province-yn')).toContain(masked);
    expect(await notesOf(caseId, 'operator-dev')).toContain(NOTE);
  });

  it('is sealed to its entry: the same note seals to different text on two cases', async () => {
    const [a, b] = [await acceptedWithNote(), await acceptedWithNote()];
    const sealedOf = async (id: string) => (await stored(id)).find((e) => e.sealedNote)?.sealedNote;
    const [sa, sb] = [await sealedOf(a), await sealedOf(b)];
    expect(sa).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(sa).not.toBe(sb);
  });

  it('stays sealed through a closed case: the later events without notes add none', async () => {
    const caseId = await acceptedWithNote();
    const at = new Date().toISOString();
    await event(gw, 'province-yn', caseId, 'decided', at, { result: { decision: 'approved' } });
    await event(gw, 'province-yn', caseId, 'result-delivered', at);
    expect((await readCase<{ status: string }>(gw, caseId)).status).toBe('CLOSED');
    const entries = await stored(caseId);
    expect(entries.filter((e) => e.sealedNote !== undefined)).toHaveLength(1);
    expect(entries.map((e) => e.note ?? '').join('\n')).not.toContain(PHONE);
  });
});

describe('a history note this gateway cannot open, or stored before notes were sealed', () => {
  it('reads a note stored in clear before notes were sealed, masked for the portal', async () => {
    const { caseId } = await submit(gw, 'SF-009');
    // What a gateway of the previous version pushed for an event with a note: the note in clear.
    await redis.rpush(
      historyKey(caseId),
      JSON.stringify({
        at: new Date().toISOString(),
        status: 'IN_PROGRESS',
        actor: 'province-yn',
        note: LEGACY_NOTE,
      }),
    );
    const masked = maskFreeText(LEGACY_NOTE);
    expect(masked).not.toContain('13912345678');
    expect(await notesOf(caseId, 'portal-sc')).toContain(masked);
    expect(await notesOf(caseId, 'operator-dev')).toContain(LEGACY_NOTE);
  });

  it('reads a sealed note with a changed byte as the placeholder, with a 200 read and a log line that says why without the note', async () => {
    const caseId = await acceptedWithNote();
    const entries = await stored(caseId);
    const index = entries.findIndex((e) => e.sealedNote !== undefined);
    const entry = entries[index]!;
    const bytes = Buffer.from(entry.sealedNote!, 'base64');
    bytes.writeUInt8(bytes.at(-1)! ^ 0x01, bytes.length - 1);
    await redis.lset(
      historyKey(caseId),
      index,
      JSON.stringify({ ...entry, sealedNote: bytes.toString('base64') }),
    );
    const res = await gw.client('operator-dev').getCase<View>(caseId);
    expect(res.status).toBe(200);
    expect(res.body.history.map((h) => h.note)).toContain(UNREADABLE_NOTE);
    expect(JSON.stringify(res.body)).not.toContain(PHONE);
    expect(gw.logLines()).toContainEqual(
      expect.objectContaining({
        msg: 'history note unreadable',
        caseId,
        status: 'IN_PROGRESS',
        problem: 'tampered',
      }),
    );
    expect(JSON.stringify(gw.logLines())).not.toContain(PHONE);
  });

  it('reads a sealed note copied onto an entry of another case as the placeholder', async () => {
    const from = await acceptedWithNote();
    const onto = await acceptedWithNote('材料齐全');
    const sealed = (await stored(from)).find((e) => e.sealedNote)!.sealedNote;
    const entries = await stored(onto);
    const index = entries.findIndex((e) => e.sealedNote !== undefined);
    await redis.lset(
      historyKey(onto),
      index,
      JSON.stringify({ ...entries[index], sealedNote: sealed }),
    );
    const notes = await notesOf(onto, 'operator-dev');
    expect(notes).toContain(UNREADABLE_NOTE);
    expect(notes).not.toContain(NOTE);
  });
});

describe("a rectification clerk's note", () => {
  it('is sealed in the rectification history, masked for the province and whole for an operator with unmask', async () => {
    const { caseId } = await submit(gw, 'SF-009');
    await close(gw, 'province-yn', caseId, new Date().toISOString());
    const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
    expect(rated.status).toBe(201);
    const id = rated.body.rectification!.id;
    const clerk = `回访申请人，身份证 ${ID_NUMBER}，电话 ${PHONE}`;
    expect((await rectificationEvent(gw, id, 'visited', clerk)).status).toBe(200);

    const bytes = await rawBytes(redis, await keysUnder(redis, gw.config.keyPrefix));
    expect(inClear(bytes, [ID_NUMBER, PHONE])).toEqual([]);
    type Read = { history: { status: string; note?: string }[] };
    const masked = await readRectification<Read>(gw, id, 'province-yn');
    expect(masked.status).toBe(200);
    expect(masked.body.history.map((h) => h.note)).toContain(maskFreeText(clerk));
    const whole = await readRectification<Read>(gw, id, 'operator-dev');
    expect(whole.body.history.map((h) => h.note)).toContain(clerk);
    // The gateway's own note of the opening stays as it was, in clear.
    expect(whole.body.history[0]?.note).toMatch(/^opened by a level 1/);
  });

  it('reads as the placeholder when its bytes were changed, with a 200 read and a log line', async () => {
    const { caseId } = await submit(gw, 'SF-009');
    await close(gw, 'province-yn', caseId, new Date().toISOString());
    const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
    const id = rated.body.rectification!.id;
    expect((await rectificationEvent(gw, id, 'visited', '回访 13700137000')).status).toBe(200);
    const list = redisKeys(gw.config.keyPrefix)
      .rating(provinceOfRectification(id)!)
      .rectificationHistory(id);
    const entries = (await redis.lrange(list, 0, -1)).map((e) => JSON.parse(e) as Entry);
    const index = entries.findIndex((e) => e.sealedNote !== undefined);
    const bytes = Buffer.from(entries[index]!.sealedNote!, 'base64');
    bytes.writeUInt8(bytes.at(-1)! ^ 0x01, bytes.length - 1);
    await redis.lset(
      list,
      index,
      JSON.stringify({ ...entries[index], sealedNote: bytes.toString('base64') }),
    );
    const res = await readRectification<{ history: { note?: string }[] }>(gw, id, 'province-yn');
    expect(res.status).toBe(200);
    expect(res.body.history.map((h) => h.note)).toContain(UNREADABLE_NOTE);
    expect(gw.logLines()).toContainEqual(
      expect.objectContaining({
        msg: 'history note unreadable',
        rectificationId: id,
        problem: 'tampered',
      }),
    );
  });
});
