// The project's own keywords (schemas/README.md#identifier-keywords, #division-fields,
// #cross-field-rules, #personal-data) and any keyword the check does not know. A division field's
// table orders none < national < member (each admits fewer codes); an identifier keyword or a
// cross-field rule only ever refuses more; x-personal changes masking, never what is accepted.
// A keyword the check does not know is assumed to narrow when it differs: better a reviewer looks
// twice than a portal's submissions start failing.
import { canonicalJson } from '../../shared/canonical-json.ts';
import type { Emit } from './compare-values.ts';
import type { Facets } from './schema-facets.ts';

const DIVISION_LEVEL: Readonly<Record<string, number>> = { national: 1, member: 2 };
const PERIOD_LEVEL = (value: unknown) => (value === 'past' ? 2 : value === true ? 1 : 0);
const PERIOD_NAME = ['no check', 'ordered', 'ordered and past'];

function level(values: unknown[] | undefined, of: (value: unknown) => number): number {
  return Math.max(0, ...(values ?? []).map(of));
}

function compareDivisionTables(base: Facets, next: Facets, path: string, emit: Emit) {
  for (const keyword of ['divisionCode', 'taxAuthorityCode']) {
    const of = (v: unknown) => (typeof v === 'string' ? (DIVISION_LEVEL[v] ?? 0) : 0);
    const b = level(base.custom.get(keyword), of);
    const n = level(next.custom.get(keyword), of);
    const name = (l: number) => ['none', 'national', 'member'][l];
    if (n > b) emit(path, 'division-table-narrowed', `${keyword} table ${name(b)} → ${name(n)}`);
    if (n < b) emit(path, 'division-table-widened', `${keyword} table ${name(b)} → ${name(n)}`);
  }
}

function compareIdentifierChecks(base: Facets, next: Facets, path: string, emit: Emit) {
  for (const keyword of ['creditCode', 'idNumber', 'taxpayerId']) {
    const on = (f: Facets) => (f.custom.get(keyword) ?? []).includes(true);
    if (on(next) && !on(base)) emit(path, 'identifier-check-added', `${keyword} check imposed`);
    if (on(base) && !on(next)) emit(path, 'identifier-check-removed', `${keyword} check lifted`);
  }
  const b = level(base.custom.get('orderedPeriod'), PERIOD_LEVEL);
  const n = level(next.custom.get('orderedPeriod'), PERIOD_LEVEL);
  const detail = `orderedPeriod ${PERIOD_NAME[b]} → ${PERIOD_NAME[n]}`;
  if (n > b) emit(path, 'ordered-period-narrowed', detail);
  if (n < b) emit(path, 'ordered-period-widened', detail);
}

function ruleEntries(facets: Facets): Map<string, string> {
  const entries = (facets.custom.get('crossFieldRules') ?? []).flatMap((v): unknown[] =>
    Array.isArray(v) ? v : [],
  );
  return new Map(entries.map((entry) => [canonicalJson(entry), describeRule(entry)]));
}

function describeRule(entry: unknown): string {
  if (typeof entry !== 'object' || entry === null) return canonicalJson(entry);
  const { rule, ...params } = entry as { rule?: unknown };
  return typeof rule === 'string' ? `${rule} ${canonicalJson(params)}` : canonicalJson(entry);
}

function compareCrossFieldRules(base: Facets, next: Facets, path: string, emit: Emit) {
  const b = ruleEntries(base);
  const n = ruleEntries(next);
  for (const [key, text] of n)
    if (!b.has(key)) emit(path, 'cross-field-rule-added', `rule ${text}`);
  for (const [key, text] of b)
    if (!n.has(key)) emit(path, 'cross-field-rule-removed', `rule ${text}`);
}

function comparePersonal(base: Facets, next: Facets, path: string, emit: Emit) {
  const kind = (f: Facets) => {
    const value = f.custom.get('x-personal')?.at(-1);
    return typeof value === 'string' ? value : value === undefined ? 'none' : canonicalJson(value);
  };
  const b = kind(base);
  const n = kind(next);
  if (b !== n) emit(path, 'personal-annotation-changed', `x-personal ${b} → ${n}`);
}

function compareUnknown(base: Facets, next: Facets, path: string, emit: Emit) {
  const keys = new Set([...base.unknown.keys(), ...next.unknown.keys()]);
  for (const key of keys) {
    const b = (base.unknown.get(key) ?? []).toSorted().join(',');
    const n = (next.unknown.get(key) ?? []).toSorted().join(',');
    if (b !== n) emit(path, 'keyword-changed', `${key} ${b || 'none'} → ${n || 'none'}`);
  }
}

/** The project's keywords and any keyword the check does not know, at `path`. */
export function compareKeywordFacets(base: Facets, next: Facets, path: string, emit: Emit): void {
  compareDivisionTables(base, next, path, emit);
  compareIdentifierChecks(base, next, path, emit);
  compareCrossFieldRules(base, next, path, emit);
  comparePersonal(base, next, path, emit);
  compareUnknown(base, next, path, emit);
}
