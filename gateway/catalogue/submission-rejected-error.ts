// A submission refused by validation (gateway/README.md#validation-order). It is a GatewayError, so
// the one problem+json mapper answers it like any other; `stage` says which step of the fixed order
// (envelope → identifiers → item → payload) refused it, for logs and metrics.
import { GatewayError, problemCount, type FieldProblem } from '../shared/errors.ts';

/** The codes each stage answers with (shared/errors.ts). */
export interface StageCodes {
  envelope: 'GW_VALIDATION_FAILED';
  identifiers: 'GW_IDENTIFIER_INVALID';
  item:
    | 'GW_ITEM_NOT_FOUND'
    | 'GW_ITEM_VERSION_NOT_FOUND'
    | 'GW_ITEM_VERSION_RETIRED'
    | 'GW_ITEM_DISABLED';
  payload: 'GW_PAYLOAD_INVALID';
}

export type ValidationStage = keyof StageCodes;

// Each says what was checked, so a problem that is not a schema mismatch is not told as one.
const STAGE_DETAIL: Record<ValidationStage, (errors: readonly FieldProblem[]) => string> = {
  envelope: (errors) =>
    `The envelope does not match its schema (OpenAPI components/schemas/envelope, schemas/envelope.schema.json): ${problemCount(errors)}, each in errors`,
  identifiers: (errors) =>
    `The envelope matches its schema but identifiers in it fail their checks (structure, region, date or check character): ${problemCount(errors)}, each in errors`,
  item: (errors) =>
    `The item cannot take this submission${errors[0] ? `: ${errors[0].message}` : ''}`,
  payload: (errors) =>
    `The payload is not valid for the item: ${problemCount(errors)}, each in errors`,
};

export class SubmissionRejectedError extends GatewayError {
  readonly stage: ValidationStage;
  // Always a list here; set by GatewayError, cut at LISTED_PROBLEMS (`declare`: no field of its own
  // to reset it to the list as given).
  declare readonly errors: FieldProblem[];

  /** `detail` says what failed; without one, the stage's own wording (STAGE_DETAIL). */
  constructor(
    stage: ValidationStage,
    code: StageCodes[ValidationStage],
    errors: FieldProblem[],
    detail?: string,
  ) {
    super(code, { errors, detail: detail ?? STAGE_DETAIL[stage](errors) });
    this.name = 'SubmissionRejectedError';
    this.stage = stage;
  }
}
