// BACKWARD compatibility of an item schema and its next version (schemas/README.md#compatibility):
// walks both schemas side by side from the payload's root, with `$ref`s resolved, and reports
// every change the rule table (compatibility-rules.ts) knows, each at a pointer into the
// submission. Objects and arrays are followed property by property and into their elements;
// conditions are paired by their `if` and their branches compared together with what the object
// itself requires. Pure: no I/O, and it never throws on schemas it does not understand — what it
// cannot compare it reports as a breaking change for a reviewer to judge.
import { canonicalJson } from '../../shared/canonical-json.ts';
import type { CompatibilityChange, CompatibilityReport } from './compatibility-report.ts';
import { isBreaking } from './compatibility-rules.ts';
import { compareKeywordFacets } from './compare-keywords.ts';
import { compareValueFacets, mayBe, type Emit } from './compare-values.ts';
import { copyFacets, facetsOf, addNode, type Facets } from './schema-facets.ts';
import type { Located, ResolveRef } from './schema-references.ts';
import { escapeToken } from '../../shared/json-pointer.ts';

export interface CompatibilityOptions {
  /** Resolves a `$ref` to another document (sharedDefinitionsResolver for defs.schema.json). */
  resolveRef: ResolveRef;
  /** The pointer the schema's root stands for in a submission; default `/payload`. */
  root?: string;
}

// Item schemas nest a few levels (the registry refuses deeper drafts); a self-referencing schema
// would otherwise be followed for ever.
const MAX_DEPTH = 32;

interface Walk {
  readonly resolveRef: ResolveRef;
  readonly emit: Emit;
  /** Whether the change was reported already (outside the condition being compared). */
  readonly reported: (path: string, rule: string, detail: string) => boolean;
}

const step = (path: string, token: string) => `${path}/${escapeToken(token)}`;
const ANY = '*';

function compareAt(base: Located[], next: Located[], path: string, walk: Walk, depth: number) {
  compareFacets(
    facetsOf(base, walk.resolveRef),
    facetsOf(next, walk.resolveRef),
    path,
    walk,
    depth,
  );
}

function compareFacets(base: Facets, next: Facets, path: string, walk: Walk, depth: number): void {
  const { emit } = walk;
  if (depth > MAX_DEPTH)
    return emit(path, 'comparison-too-deep', `not compared below depth ${MAX_DEPTH}`);
  for (const ref of new Set(base.unresolved))
    emit(path, 'ref-unresolved', `published version: ${ref}`);
  for (const ref of new Set(next.unresolved)) emit(path, 'ref-unresolved', `draft: ${ref}`);
  if (base.never) return;
  if (next.never) return emit(path, 'type-narrowed', 'accepts no value now');
  compareValueFacets(base, next, path, emit);
  compareKeywordFacets(base, next, path, emit);
  if (mayBe(base, 'object')) compareObjects(base, next, path, walk, depth);
  if (mayBe(base, 'array')) compareArrays(base, next, path, walk, depth);
  compareConditionals(base, next, path, walk, depth);
  compareAlternatives(base, next, path, emit);
}

function compareObjects(base: Facets, next: Facets, path: string, walk: Walk, depth: number) {
  const { emit } = walk;
  for (const name of next.required)
    if (!base.required.has(name))
      emit(step(path, name), 'required-added', `${name} is required now`);
  for (const name of base.required)
    if (!next.required.has(name))
      emit(step(path, name), 'required-removed', `${name} is optional now`);
  if (!base.closed && next.closed)
    emit(path, 'object-closed', 'properties it does not name are refused now');
  if (base.closed && !next.closed)
    emit(path, 'object-opened', 'properties it does not name are accepted now');
  const names = new Set([...next.properties.keys(), ...base.properties.keys()]);
  for (const name of names) {
    const at = step(path, name);
    const b = base.properties.get(name);
    const n = next.properties.get(name);
    if (b && n) compareAt(b, n, at, walk, depth + 1);
    else if (n) {
      emit(at, 'property-added', `${name} is declared now`);
      // An open object accepted the property before, as any of its undeclared properties.
      if (!base.closed) compareAt(base.additional, n, at, walk, depth + 1);
    } else if (b && next.closed) emit(at, 'property-removed', `${name} is refused now`);
    else if (b) {
      emit(at, 'property-undeclared', `${name} is no longer declared; the object still accepts it`);
      compareAt(b, next.additional, at, walk, depth + 1);
    }
  }
  if (!base.closed && !next.closed && base.additional.length + next.additional.length > 0)
    compareAt(base.additional, next.additional, step(path, ANY), walk, depth + 1);
  const patterns = (f: Facets) => [...f.patternProperties.keys()].toSorted().join(' ');
  if (patterns(base) !== patterns(next))
    emit(
      path,
      'pattern-properties-changed',
      `patternProperties ${patterns(base) || 'none'} → ${patterns(next) || 'none'}`,
    );
  else
    for (const [pattern, b] of base.patternProperties)
      compareAt(b, next.patternProperties.get(pattern) ?? [], step(path, ANY), walk, depth + 1);
  for (const [name, needs] of next.dependentRequired)
    for (const need of needs)
      if (!base.dependentRequired.get(name)?.has(need))
        emit(step(path, name), 'dependency-added', `${name} requires ${need} now`);
  for (const [name, needs] of base.dependentRequired)
    for (const need of needs)
      if (!next.dependentRequired.get(name)?.has(need))
        emit(step(path, name), 'dependency-removed', `${name} no longer requires ${need}`);
}

function compareArrays(base: Facets, next: Facets, path: string, walk: Walk, depth: number) {
  const prefix = Math.max(base.prefixItems.length, next.prefixItems.length);
  for (let i = 0; i < prefix; i++)
    compareAt(
      base.prefixItems[i] ?? base.items,
      next.prefixItems[i] ?? next.items,
      step(path, String(i)),
      walk,
      depth + 1,
    );
  if (base.items.length + next.items.length > 0)
    compareAt(base.items, next.items, step(path, ANY), walk, depth + 1);
  if (next.contains.length > 0 && base.contains.length === 0)
    walk.emit(path, 'contains-added', 'must contain a matching element now');
  else if (next.contains.length === 0 && base.contains.length > 0)
    walk.emit(path, 'contains-removed', 'need no longer contain a matching element');
  // An element that satisfied the old `contains` must satisfy the new one: the same direction.
  else if (next.contains.length > 0)
    compareAt(base.contains, next.contains, step(path, ANY), walk, depth + 1);
}

const brief = (json: string) => (json.length > 80 ? `${json.slice(0, 77)}...` : json);

/**
 * Conditions are paired by their `if`. A paired condition's branches are compared merged with the
 * rest of the object's facets (a `then` that requires a property the object declares is judged
 * against that declaration); an unpaired one was added or lifted.
 */
function compareConditionals(base: Facets, next: Facets, path: string, walk: Walk, depth: number) {
  const unpaired = [...base.conditionals];
  const bare = (f: Facets): Facets => ({ ...copyFacets(f), conditionals: [] });
  for (const condition of next.conditionals) {
    const index = unpaired.findIndex((c) => c.key === condition.key);
    if (index < 0) {
      walk.emit(path, 'conditional-added', `if ${brief(condition.key)}`);
      continue;
    }
    const [old] = unpaired.splice(index, 1);
    for (const branch of ['then', 'else'] as const) {
      const b = old![branch];
      const n = condition[branch];
      if (canonicalJson(b.map((l) => l.node)) === canonicalJson(n.map((l) => l.node))) continue;
      const merged = (f: Facets, list: Located[]) =>
        list.reduce<Facets>((acc, located) => addNode(acc, located, walk.resolveRef), bare(f));
      // What the object's own declarations changed is reported already; what is new here holds
      // only under the condition, and says so.
      const when = `${branch === 'then' ? 'when' : 'unless'} ${brief(condition.key)}`;
      const inBranch: Walk = {
        ...walk,
        emit: (at, rule, detail) => {
          if (!walk.reported(at, rule, detail)) walk.emit(at, rule, `${detail} (${when})`);
        },
      };
      compareFacets(merged(base, b), merged(next, n), path, inBranch, depth + 1);
    }
  }
  for (const condition of unpaired)
    walk.emit(path, 'conditional-removed', `if ${brief(condition.key)}`);
}

function compareAlternatives(base: Facets, next: Facets, path: string, emit: Emit) {
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const key = (group: string[]) => group.toSorted().join(',');
    const unmatched = base[keyword].filter((g) => !next[keyword].some((n) => key(n) === key(g)));
    for (const group of next[keyword]) {
      if (base[keyword].some((g) => key(g) === key(group))) continue;
      // anyOf keeps every old alternative: it only gains some.
      const kept =
        keyword === 'anyOf' ? unmatched.findIndex((g) => g.every((b) => group.includes(b))) : -1;
      if (kept >= 0) {
        unmatched.splice(kept, 1);
        emit(path, 'alternatives-widened', `${keyword} gains alternatives`);
      } else
        emit(path, 'alternatives-narrowed', `${keyword} ${brief(`[${group.join(',')}]`)} imposed`);
    }
    for (const group of unmatched)
      emit(path, 'alternatives-widened', `${keyword} ${brief(`[${group.join(',')}]`)} lifted`);
  }
  for (const n of next.not)
    if (!base.not.includes(n)) emit(path, 'negation-added', `not ${brief(n)}`);
  for (const b of base.not)
    if (!next.not.includes(b)) emit(path, 'negation-removed', `not ${brief(b)}`);
}

/**
 * Which submissions `base` accepted that `next` may refuse (breaking changes), and which changes
 * only widen what is accepted, with `$ref`s resolved in either schema.
 */
export function checkCompatibility(
  base: object,
  next: object,
  options: CompatibilityOptions,
): CompatibilityReport {
  const changes = new Map<string, CompatibilityChange>();
  const key = (path: string, rule: string, detail: string) => canonicalJson([path, rule, detail]);
  const emit: Emit = (path, rule, detail) =>
    void changes.set(key(path, rule, detail), { path, rule, breaking: isBreaking(rule), detail });
  const reported = (path: string, rule: string, detail: string) =>
    changes.has(key(path, rule, detail));
  const at = (schema: object): Located[] => [{ node: schema, doc: { root: schema } }];
  compareAt(
    at(base),
    at(next),
    options.root ?? '/payload',
    { resolveRef: options.resolveRef, emit, reported },
    0,
  );
  const list = [...changes.values()];
  return { mode: 'BACKWARD', breaking: list.some((c) => c.breaking), changes: list };
}
