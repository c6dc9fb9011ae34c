// The compile pipeline's personal-data step for one item version (gateway/catalogue/compile-item.ts):
// refuse a field that looks personal but is not annotated (personal-check.ts), else derive the
// version's personal locations, envelope and payload (personal-locations.ts). The envelope's are
// the same for every version: the caller derives them once and passes them in.
import { unannotatedPersonalFields, unannotatedProblem } from './personal-check.ts';
import { submissionLocations, type PersonalLocations } from './personal-locations.ts';
import { SchemaTooRecursiveError, type SchemaDocuments } from './schema-fields.ts';

type Schema = Readonly<Record<string, unknown>>;

export type PersonalDataResult =
  { ok: true; locations: PersonalLocations } | { ok: false; problems: string[] };

export function compilePersonalData(
  envelope: PersonalLocations,
  payload: Schema,
  docs: SchemaDocuments,
): PersonalDataResult {
  try {
    const problems = unannotatedPersonalFields(payload, docs, ['payload']).map(unannotatedProblem);
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, locations: submissionLocations(envelope, payload, docs) };
  } catch (error) {
    if (!(error instanceof SchemaTooRecursiveError)) throw error;
    return { ok: false, problems: [`cannot locate its personal data: ${error.message}`] };
  }
}
