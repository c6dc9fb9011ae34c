// Moving a case through its loop over the real API, for tests of what follows a case (督办,
// 好差评, a joint parent): submit as a portal, report province events, close it.
import { validExample, type ApiGateway } from './api-gateway.ts';

let n = 0;

export interface Submitted {
  caseId: string;
  dueAt: string;
}

/** Submits the item's valid example (SF-009: proxy, 7 days, 四川 collects for 云南 yn). */
export async function submit(
  gw: ApiGateway,
  code = 'SF-009',
  overrides: Record<string, unknown> = {},
  portal = 'portal-sc',
): Promise<Submitted> {
  const res = await gw
    .client(portal)
    .submitCase<Submitted>({ ...validExample(code), ...overrides }, `flow-${Date.now()}-${n++}`);
  if (res.status !== 202)
    throw new Error(`submit ${code}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A joint case's parent and its children's ids, by adapter. */
export interface JointFamily {
  parentId: string;
  cq: string;
  chengdu: string;
}

/** RS-006 from a 四川 portal: transfer-out 重庆 (cq), transfer-in 成都 (sc-chengdu). */
export async function submitJoint(gw: ApiGateway): Promise<JointFamily> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string; route: { children: { caseId: string; adapter: string }[] } }>(
      { ...validExample('RS-006'), receivingRegion: '510104' },
      `joint-${Date.now()}-${n++}`,
    );
  if (res.status !== 202)
    throw new Error(`submit RS-006: ${res.status} ${JSON.stringify(res.body)}`);
  const child = (adapter: string) => res.body.route.children.find((c) => c.adapter === adapter)!;
  return { parentId: res.body.caseId, cq: child('cq').caseId, chengdu: child('sc-chengdu').caseId };
}

export async function event(
  gw: ApiGateway,
  province: string,
  caseId: string,
  type: string,
  at: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const res = await gw
    .client(province)
    .request('POST', `/v1/cases/${caseId}/events`, { json: { type, at, ...extra } });
  if (res.status !== 200)
    throw new Error(`${type} on ${caseId}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** accepted → decided → result-delivered: the case ends CLOSED. */
export async function close(gw: ApiGateway, province: string, caseId: string, at: string) {
  await event(gw, province, caseId, 'accepted', at);
  await event(gw, province, caseId, 'decided', at, { result: { decision: 'approved' } });
  await event(gw, province, caseId, 'result-delivered', at);
}

export async function readCase<T = Record<string, unknown>>(
  gw: ApiGateway,
  caseId: string,
  reader = 'operator-dev',
): Promise<T> {
  const res = await gw.client(reader).getCase<T>(caseId);
  if (res.status !== 200) throw new Error(`read ${caseId}: ${res.status}`);
  return res.body;
}
