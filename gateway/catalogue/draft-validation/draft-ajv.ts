// The ajv set-up operators' draft validations share (gateway/README.md#drafts-and-four-eyes).
// Setting one up — formats, keywords, the shared definitions and envelope compiled — is most of
// what a fresh instance per draft cost; one kept per set of inputs (division tables, clock, schemas
// directory and the text of defs.schema.json and envelope.schema.json, read again for every
// validation, so a changed file gets a new set-up as a fresh instance would have read it) is reused
// by the next draft. What a draft leaves in it is taken out again once it has been judged, pass or
// fail: ajv keeps every schema it compiled under its $id, and the $id and $anchor of every subschema
// — a draft's, resolved against that draft's $id — so a later draft could otherwise find a name
// only an earlier draft declared, or be refused because an earlier draft with the same item and
// version holds its $id. Every name registered since the set-up was made is removed, and one it
// held is given back its value; ajv also keeps a handle on every schema it generated code for (its
// code scope), which only a new instance lets go of, so a set-up serves DRAFTS_PER_AJV drafts and is
// then replaced. The published catalogue's ajv (catalogue-compiler.ts) is another instance: drafts
// never touch it. Draft validation is synchronous, so one draft uses the set-up at a time; a
// validation started inside another (nothing does) would get a fresh instance of its own.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DivisionTables } from '../../divisions/load-division-table.ts';
import { projectPath } from '../../shared/project-root.ts';
import { compileSharedDefinitions, createAjv, ENVELOPE_ID } from '../create-ajv.ts';
import { sharedDocuments, type SharedDocuments } from '../item-schema-checks.ts';

/** Drafts one set-up judges before a new one replaces it (bounds what its code scope holds). */
export const DRAFTS_PER_AJV = 50;

export interface DraftAjvInputs {
  readonly divisions: DivisionTables;
  /** The clock "today" is read from; undefined: the system clock. */
  readonly now?: (() => Date) | undefined;
  /** Holds defs.schema.json and envelope.schema.json; default <root>/schemas. */
  readonly schemasDir?: string | undefined;
}

/** What a draft's checks are given: the instance and the documents derived from it once. */
export interface DraftAjv {
  readonly ajv: Ajv2020;
  readonly shared: SharedDocuments;
}

interface SetUp extends DraftAjv {
  readonly divisions: DivisionTables;
  readonly now: (() => Date) | undefined;
  readonly schemasDir: string;
  readonly defsText: string;
  readonly envelopeText: string;
  /** ajv's registrations (schemas, refs) as the set-up left them. */
  readonly schemas: ReadonlyMap<string, unknown>;
  readonly refs: ReadonlyMap<string, unknown>;
  drafts: number;
}

let kept: SetUp | undefined;
let inUse = false;

function setUp(inputs: DraftAjvInputs, schemasDir: string, defsText: string, envelopeText: string) {
  const ajv = createAjv({
    divisions: inputs.divisions,
    ...(inputs.now ? { now: inputs.now } : {}),
    schemasDir,
    sharedSchemas: {
      defs: JSON.parse(defsText) as Record<string, unknown>,
      envelope: JSON.parse(envelopeText) as Record<string, unknown>,
    },
  });
  // As the published catalogue has them (catalogue-compiler.ts): each shared definition compiled
  // once, and the envelope every example is run through.
  compileSharedDefinitions(ajv);
  ajv.getSchema(ENVELOPE_ID);
  return {
    ajv,
    shared: sharedDocuments(ajv),
    divisions: inputs.divisions,
    now: inputs.now,
    schemasDir,
    defsText,
    envelopeText,
    schemas: new Map(Object.entries(ajv.schemas)),
    refs: new Map(Object.entries(ajv.refs)),
    drafts: 0,
  };
}

/**
 * Puts ajv's registrations back as the set-up left them: names added since removed, any changed
 * given back.
 */
function restore(set: SetUp): void {
  const { ajv } = set;
  const registries = [
    [ajv.schemas, set.schemas],
    [ajv.refs, set.refs],
  ] as const;
  // removeSchema also lets go of its compiled schema (ajv's cache by schema object).
  for (const [registry, was] of registries)
    for (const key of Object.keys(registry)) if (!was.has(key)) ajv.removeSchema(key);
  for (const [registry, was] of registries)
    for (const [key, value] of was)
      if (registry[key] !== value) (registry as Record<string, unknown>)[key] = value;
}

/**
 * Runs `judge` with the shared set-up for these inputs (made, or replaced, when needed), and takes
 * out of it whatever the draft left there before returning, whether `judge` returns or throws.
 */
export function withDraftAjv<T>(inputs: DraftAjvInputs, judge: (set: DraftAjv) => T): T {
  const schemasDir = inputs.schemasDir ?? projectPath('schemas');
  const defsText = readFileSync(join(schemasDir, 'defs.schema.json'), 'utf8');
  const envelopeText = readFileSync(join(schemasDir, 'envelope.schema.json'), 'utf8');
  if (inUse) return judge(setUp(inputs, schemasDir, defsText, envelopeText));
  let set = kept;
  if (
    !set ||
    set.drafts >= DRAFTS_PER_AJV ||
    set.divisions !== inputs.divisions ||
    set.now !== inputs.now ||
    set.schemasDir !== schemasDir ||
    set.defsText !== defsText ||
    set.envelopeText !== envelopeText
  ) {
    kept = undefined;
    set = setUp(inputs, schemasDir, defsText, envelopeText);
  }
  set.drafts++;
  inUse = true;
  try {
    return judge(set);
  } finally {
    inUse = false;
    try {
      restore(set);
      kept = set;
    } catch {
      // Not put back as it was: not kept either, the next draft gets a new set-up.
      kept = undefined;
    }
  }
}
