// What a compatibility check answers (schemas/README.md#compatibility): every difference between
// a published item version's schema and its draft that changes which submissions are accepted,
// each named by the rule that found it (compatibility-rules.ts) and located by a pointer into the
// submission, and whether any of them would refuse a submission the published version accepts.

export interface CompatibilityChange {
  // A JSON pointer into the submission (/payload/project/region); `*` stands for any array element
  // or any property the object does not name (/payload/lines/*/amount).
  path: string;
  /** The id of the row of COMPATIBILITY_RULES that found it. */
  rule: string;
  breaking: boolean;
  detail: string;
}

/** BACKWARD: the next schema must accept every submission the base schema accepted. */
export interface CompatibilityReport {
  mode: 'BACKWARD';
  breaking: boolean;
  changes: CompatibilityChange[];
}
