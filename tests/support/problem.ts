// Shared assertion for the problem+json contract (gateway/README.md#errors): status, GW_ code,
// type URI, request id, and no stack or source location in the body.
import { expect } from 'vitest';

export interface ProblemShape {
  status: number;
  code: string;
  detail?: string;
  errors?: { path: string; message: string; messageZh: string }[];
}

export async function expectProblem(
  res: Response,
  status: number,
  code: string,
): Promise<ProblemShape> {
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as ProblemShape & Record<string, unknown>;
  expect(body).toMatchObject({ status, code, requestId: res.headers.get('x-request-id') });
  expect(body.type).toBe(`https://swgw.example/problems/${code}`);
  expect(text).not.toMatch(/at .*\.[jt]s:\d+|node:internal|\/node_modules\//);
  return body;
}
