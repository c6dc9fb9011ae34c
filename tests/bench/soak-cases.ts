// The cases the soak (soak.ts) submits, one kind per adapter plus a joint case, as the end-to-end
// tests pick them (tests/e2e/support/system.ts): each item's first valid example, sent by a portal
// of the receiving region's province, routed by its handling region to that adapter.
import { readFileSync } from 'node:fs';
import { projectPath } from '../../gateway/shared/project-root.ts';

export interface SoakCase {
  /** The adapter, or 'joint' (RS-006: 重庆 cq and 成都 sc-chengdu). */
  route: string;
  item: string;
  portal: string;
}

export const SOAK_CASES: readonly SoakCase[] = [
  { route: 'yn', item: 'SW-005', portal: 'portal-sc' }, // 510104 → 530323 师宗县
  { route: 'gx', item: 'SJ-003', portal: 'portal-sc' }, // 510104 → 450103
  { route: 'cq', item: 'SW-015', portal: 'portal-sc' }, // 510104 → 500103
  { route: 'sc', item: 'GJ-001', portal: 'portal-cq' }, // 500112 → 510700
  { route: 'sc-chengdu', item: 'SW-001', portal: 'portal-yn' }, // 530323 → 510104
  { route: 'gz', item: 'RS-017', portal: 'portal-sc' }, // 510104 → 520102
  { route: 'xz', item: 'SF-003', portal: 'portal-sc' }, // 510104 → 540102
  { route: 'joint', item: 'RS-006', portal: 'portal-sc' },
];

export function soakEnvelope(item: string): Record<string, unknown> {
  const examples = JSON.parse(
    readFileSync(projectPath('schemas/items', `${item}.examples.json`), 'utf8'),
  ) as { valid: Record<string, unknown>[] };
  const example = examples.valid[0];
  if (!example) throw new Error(`no valid example for ${item}`);
  return example;
}

/** A development client's secret (config/clients.dev.json). */
export function devSecretOf(clientId: string): string {
  const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
    id: string;
    secret: string;
  }[];
  const secret = clients.find((c) => c.id === clientId)?.secret;
  if (!secret) throw new Error(`no development client ${clientId}`);
  return secret;
}
