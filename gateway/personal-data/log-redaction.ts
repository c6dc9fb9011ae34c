// What the root logger censors (gateway/shared/logger.ts), derived from the same annotations that
// drive masking (schemas/README.md#personal-data) instead of a hand-kept list of key names. A log
// line never carries a payload (redacted whole), so what can reach one is the envelope's own
// personal fields (applicant name, ID numbers, phone…) and, inside an error or a summary object,
// a field named like a personal property of a shared definition (person.name, location.address).
// The envelope and the shared definitions ship with the gateway, so they are read from its files.
import { readFileSync } from 'node:fs';
import { projectPath } from '../shared/project-root.ts';
import { personalLocations } from './personal-locations.ts';

type Schema = Readonly<Record<string, unknown>>;

/** A pino redaction path for tokens; `*` is pino's wildcard too. */
function pinoPath(tokens: readonly string[]): string {
  return tokens
    .map((t, i) => (/^[A-Za-z_$*][\w$]*$/.test(t) ? `${i ? '.' : ''}${t}` : `["${t}"]`))
    .join('');
}

/** Redaction paths for every personal field of the envelope and the shared definitions. */
export function personalLogPaths(envelope: Schema, defs: Schema): string[] {
  const docs = { defs };
  const envelopeLocations = personalLocations(envelope, docs);
  const paths = new Set<string>();
  const names = new Set<string>();
  for (const { tokens } of envelopeLocations) {
    // At the top of a log object, or one level down (`{ envelope: … }`, `{ body: … }`).
    paths.add(pinoPath(tokens));
    paths.add(`*.${pinoPath(tokens)}`);
    names.add(tokens.at(-1)!);
  }
  // Walked through a $ref, so a definition's own references resolve inside defs.schema.json.
  for (const name of Object.keys(defs.$defs ?? {}))
    for (const { tokens } of personalLocations({ $ref: `defs.schema.json#/$defs/${name}` }, docs))
      if (tokens.length > 0 && tokens.at(-1) !== '*') names.add(tokens.at(-1)!);
  for (const name of names) {
    const key = pinoPath([name]);
    paths.add(key);
    paths.add(`*.${key}`);
    paths.add(`*.*.${key}`);
  }
  return [...paths];
}

function readSchema(name: string): Schema {
  return JSON.parse(readFileSync(projectPath('schemas', name), 'utf8')) as Schema;
}

/** personalLogPaths of the gateway's own schemas/envelope.schema.json and defs.schema.json. */
export function gatewayPersonalLogPaths(): string[] {
  return personalLogPaths(readSchema('envelope.schema.json'), readSchema('defs.schema.json'));
}
