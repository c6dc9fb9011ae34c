// README.md#evaluating-a-case--post-v1casescaseidevaluations-portal-clients: the rating body the
// README shows, between its evaluation-example markers, is sent as it stands on a closed case — so
// the JSON a portal copies is one the gateway takes, and its level 2 (不满意) opens a rectification
// as the README says a 差评 does.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, readCase, submit } from '../../support/case-flow.ts';
import { evaluate } from '../../support/evaluation-flow.ts';
import { markedCodeBlock } from '../../support/readme-block.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw?.close());

const readmeBody = () =>
  JSON.parse(
    markedCodeBlock(
      readFileSync(projectPath('README.md'), 'utf8'),
      'evaluation-example',
      'README.md',
      'json',
    ),
  ) as Record<string, unknown>;

describe("README's rating example", () => {
  it('is taken as it stands on a closed case: 201, and its 差评 opens a rectification shown with the rating in the case view', async () => {
    const { caseId } = await submit(gw);
    await close(gw, 'province-yn', caseId, new Date().toISOString());
    const body = readmeBody();
    const res = await evaluate(gw, caseId, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      caseId,
      rated: 'handling',
      level: 2,
      rectification: { status: 'OPEN' },
    });
    const view = await readCase<{ evaluations: Record<string, unknown>[] }>(
      gw,
      caseId,
      'portal-sc',
    );
    expect(view.evaluations).toEqual([
      expect.objectContaining({
        rated: body.rated,
        level: body.level,
        indicators: body.indicators,
        comment: body.comment,
        rectificationId: res.body.rectification!.id,
      }),
    ]);
  });
});
