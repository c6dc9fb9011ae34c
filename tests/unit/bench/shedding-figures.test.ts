// The shedding bench's arithmetic (tests/bench/shedding-figures.ts, README.md#load-shedding): a
// 503 GW_OVERLOADED is counted as shed and leaves the run valid, any other non-2xx (a 503 with
// another code too) or a request without an answer fails it; the level rows and the level where
// accepted req/s stops growing come from the answers as the table prints them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { printReport } from '../../../tests/bench/report.ts';
import type { SheddingResult } from '../../../tests/bench/shedding.ts';
import {
  answerKind,
  kneeConnections,
  levelRow,
  sheddingProblems,
  type LevelAnswers,
} from '../../../tests/bench/shedding-figures.ts';

const problem = (code: string) => JSON.stringify({ type: 'about:blank', status: 503, code });

const answers = (over: Partial<LevelAnswers> = {}): LevelAnswers => ({
  connections: 64,
  windowSec: 2,
  acceptedMs: [],
  shedMs: [],
  failed: {},
  errors: 0,
  ...over,
});
const noProbes = { readyz: { okMs: [], notOk: 0 }, healthz: { okMs: [], notOk: 0 } };
const usage = { gatewayCpuShare: 0.5, generatorCpuShare: 0.5, shedCounted: 0 };
const bound = { label: '16', maxInFlight: 16 };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('answerKind', () => {
  it('counts every 2xx as accepted, whatever its body', () => {
    expect(answerKind(202, '')).toBe('accepted');
    expect(answerKind(200, 'not json')).toBe('accepted');
  });

  it('counts a 503 as shed only when its problem code is GW_OVERLOADED', () => {
    expect(answerKind(503, problem('GW_OVERLOADED'))).toBe('shed');
    expect(answerKind(503, problem('GW_UNAVAILABLE'))).toBe('failed');
    expect(answerKind(503, '')).toBe('failed');
    expect(answerKind(503, '<html>busy</html>')).toBe('failed');
  });

  it('counts any other status as failed, even with the GW_OVERLOADED code', () => {
    expect(answerKind(429, problem('GW_OVERLOADED'))).toBe('failed');
    expect(answerKind(400, problem('GW_VALIDATION_FAILED'))).toBe('failed');
    expect(answerKind(500, problem('GW_INTERNAL'))).toBe('failed');
    expect(answerKind(0, '')).toBe('failed');
  });
});

describe('levelRow', () => {
  it('gives accepted req/s over the window and per gateway core, the accepted percentiles and the share shed of all answers', () => {
    const accepted = Array.from({ length: 100 }, (_, i) => i + 1); // 1 … 100 ms
    const row = levelRow(
      bound,
      answers({ acceptedMs: accepted, shedMs: [0.5, 0.7, 0.9], failed: { '400 GW_X': 1 } }),
      {
        readyz: { okMs: [3, 1, 2], notOk: 1 },
        healthz: { okMs: [4], notOk: 0 },
      },
      usage,
    );
    expect(row).toMatchObject({
      bound: '16',
      connections: 64,
      acceptedPerSec: 50,
      acceptedPerGatewayCore: 100,
      acceptedP50Ms: 50,
      acceptedP99Ms: 99,
      shed: 3,
      shedShare: 3 / 104,
      shedPerSec: 1.5,
      shedP50Ms: 0.7,
      failed: 1,
      failedBy: { '400 GW_X': 1 },
      readyzP50Ms: 2,
      readyzMaxMs: 3,
      readyzNotOk: 1,
      healthzMaxMs: 4,
      gatewayCpuShare: 0.5,
    });
  });

  it('reads no answers as no share shed and unknown latencies, not a division by zero', () => {
    const row = levelRow(bound, answers(), noProbes, usage);
    expect(row.shedShare).toBe(0);
    expect(row.acceptedPerSec).toBe(0);
    expect(row.acceptedP99Ms).toBeNaN();
    expect(row.readyzMaxMs).toBeNaN();
  });
});

describe('kneeConnections', () => {
  it('is the fewest connections reaching 90 % of the best accepted req/s, even when a later level dips', () => {
    const rows = [
      { connections: 1, acceptedPerSec: 400, acceptedPerGatewayCore: 800 },
      { connections: 2, acceptedPerSec: 700, acceptedPerGatewayCore: 1200 },
      { connections: 4, acceptedPerSec: 950, acceptedPerGatewayCore: 1500 },
      { connections: 8, acceptedPerSec: 1000, acceptedPerGatewayCore: 2000 },
      { connections: 16, acceptedPerSec: 980, acceptedPerGatewayCore: 2500 },
      { connections: 1024, acceptedPerSec: 600, acceptedPerGatewayCore: 2400 },
    ];
    expect(kneeConnections(rows)).toBe(4);
    expect(kneeConnections(rows, 'acceptedPerSec', 0.99)).toBe(8);
    expect(kneeConnections(rows, 'acceptedPerGatewayCore')).toBe(16);
  });

  it('is NaN without rows', () => {
    expect(kneeConnections([])).toBeNaN();
  });
});

describe('the run’s problems', () => {
  const row = (over: Partial<LevelAnswers>) => levelRow(bound, answers(over), noProbes, usage);

  const shedRow = (shedCounted: number) =>
    levelRow(bound, answers({ acceptedMs: [1], shedMs: [0.2, 0.3] }), noProbes, {
      ...usage,
      shedCounted,
    });

  it('leaves a run with shed answers valid when the gateway counted at least as many', () => {
    expect(sheddingProblems([shedRow(2), shedRow(5)])).toEqual([]);
  });

  it('fails a run reading more answers as shed than the gateway counted', () => {
    expect(sheddingProblems([shedRow(1)])).toEqual([
      '2 answers read as shed, 1 counted by the gateway (16, 64 connections)',
    ]);
  });

  it('fails a run with any other non-2xx, naming the bound, the level and what came back', () => {
    expect(sheddingProblems([row({ failed: { '503 GW_UNAVAILABLE': 2 } })])).toEqual([
      '2 answers neither 2xx nor 503 GW_OVERLOADED (16, 64 connections: {"503 GW_UNAVAILABLE":2})',
    ]);
  });

  it('fails a run with requests that got no answer', () => {
    expect(sheddingProblems([row({ errors: 3 })])).toEqual([
      '3 requests without an answer (16, 64 connections)',
    ]);
  });

  it('makes the printed report fail on them, and only on them', () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const result = (rows: ReturnType<typeof row>[]): SheddingResult => ({
      levels: [64],
      afterShed: 'immediate',
      settleSec: 1,
      durationSec: 2,
      probeEveryMs: 100,
      probeTimeoutMs: 10_000,
      bounds: [{ ...bound, kneeConnections: 64, kneePerCoreConnections: 64 }],
      rows,
      loadAverages: [1],
    });
    const report = (rows: ReturnType<typeof row>[]) =>
      printReport({ machine: {}, settings: {}, shedding: result(rows) });
    expect(report([row({ acceptedMs: [1] })])).toEqual([]);
    expect(report([row({ acceptedMs: [1], failed: { '500 GW_INTERNAL': 1 } })])).toHaveLength(1);
  });
});
