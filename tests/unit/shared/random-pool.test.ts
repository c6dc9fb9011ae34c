// RandomPool (gateway/shared/random-pool.ts): crypto-random bytes handed out once each, from a
// buffer refilled when it runs out.
import { describe, expect, it } from 'vitest';
import { RandomPool } from '../../../gateway/shared/random-pool.ts';

describe('RandomPool', () => {
  it('hands out bytes that never repeat, across refills of a small pool', () => {
    const pool = new RandomPool(24);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(pool.bytes(12).toString('hex'));
    expect(seen.size).toBe(500);
  });

  it('answers a request larger than the pool with that many bytes, not a short read', () => {
    const bytes = new RandomPool(16).bytes(100);
    expect(bytes.length).toBe(100);
    expect(bytes.subarray(16).some((byte) => byte !== 0)).toBe(true);
  });

  it('fills only the span it is asked for, leaving the neighbouring bytes alone', () => {
    const target = Buffer.alloc(40, 0xaa);
    new RandomPool().fill(target, 10, 12);
    expect(target.subarray(0, 10).every((byte) => byte === 0xaa)).toBe(true);
    expect(target.subarray(22).every((byte) => byte === 0xaa)).toBe(true);
    expect(target.subarray(10, 22).equals(Buffer.alloc(12, 0xaa))).toBe(false);
  });

  it('hands out hex strings of the asked length that never repeat, across refills of a small pool', () => {
    const pool = new RandomPool(20);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const text = pool.hex(8);
      expect(text).toMatch(/^[0-9a-f]{16}$/);
      seen.add(text);
    }
    expect(seen.size).toBe(500);
    expect(pool.hex(50)).toMatch(/^[0-9a-f]{100}$/);
  });

  it('gives fractions in [0, 1) in steps of 1/256, taking every value over many draws', () => {
    const pool = new RandomPool(64);
    const fractions = Array.from({ length: 20_000 }, () => pool.fraction());
    expect(Math.min(...fractions)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...fractions)).toBeLessThan(1);
    const steps = new Set(fractions.map((fraction) => fraction * 256));
    expect([...steps].every(Number.isInteger)).toBe(true);
    expect(steps.size).toBe(256);
  });
});
