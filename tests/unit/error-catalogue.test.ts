import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, GatewayError } from '../../gateway/shared/errors.ts';
import { asGatewayError, toProblem } from '../../gateway/shared/problem.ts';

describe('error catalogue', () => {
  it('keeps the README error table equal to the catalogue, code by code', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table =
      readme.split('<!-- error-table:start -->')[1]?.split('<!-- error-table:end -->')[0] ?? '';
    const rows = [...table.matchAll(/^\| `(GW_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, spec]) => [code, spec.status]);
    expect(rows).toEqual(catalogue);
  });

  it('gives every code a GW_ prefix, a 4xx/5xx status and titles in English and Chinese', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^GW_[A-Z_]+$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
      expect(spec.titleZh).toMatch(/[\u4e00-\u9fa5]/u);
    }
  });

  it('never puts the message of an internal error into the problem body', () => {
    const error = new GatewayError('GW_INTERNAL', { detail: 'secret stack detail at line 3' });
    const problem = toProblem(error, 'req-1');
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem.body)).not.toContain('secret');
  });

  it('gives every problem but the bare GW_INTERNAL a detail, its title when the raiser gave none', () => {
    for (const code of Object.keys(ERROR_CATALOGUE) as (keyof typeof ERROR_CATALOGUE)[]) {
      const body = toProblem(new GatewayError(code), 'req-1').body;
      if (code === 'GW_INTERNAL') expect(body.detail).toBeUndefined();
      else expect(body.detail).toBe(ERROR_CATALOGUE[code].title);
    }
    // A 4xx express or its middleware raised, with no detail of ours.
    const raised = Object.assign(new Error('Precondition Failed'), { status: 412 });
    expect(toProblem(asGatewayError(raised), 'req-2').body).toMatchObject({
      code: 'GW_BAD_REQUEST',
      detail: 'Bad request',
    });
    expect(
      toProblem(new GatewayError('GW_NOT_FOUND', { detail: 'No such thing' }), 'r').body.detail,
    ).toBe('No such thing');
  });
});
