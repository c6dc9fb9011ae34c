// The 督办 and 好差评 deadlines of each province (config/README.md#supervision): when a warning
// falls, how long after the due time a case is escalated, how long an applicant may rate a closed
// case and a portal re-rate a rectified one, and the working days a rectification gets for its
// visit and its fix. One defaults object plus per-province overrides, validated once at start
// (every problem listed), then frozen and passed down. The defaults are the national practice
// described in gateway/README.md#supervision-flags and schemas/README.md#service-evaluation.
import { SharedMetaAjv } from '../shared/shared-meta-ajv.ts';
import type { ValidateFunction } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { readFileSync } from 'node:fs';
import { projectPath } from '../shared/project-root.ts';

const DAYS = (max: number, description: string) =>
  ({ type: 'integer', minimum: 0, maximum: max, description }) as const;

const RULE_PROPERTIES = {
  warningDaysLeft: DAYS(30, 'Warn when this many working days are left before the due date.'),
  warningRatio: {
    type: 'number',
    exclusiveMinimum: 0,
    maximum: 1,
    description: 'Or when this share of the promised working days is used, whichever is first.',
  },
  escalateAfterDays: DAYS(
    60,
    'Escalate (通报) a case still open this many working days after due.',
  ),
  evaluationWindowDays: {
    type: 'integer',
    minimum: 1,
    maximum: 90,
    description:
      'Natural days after CLOSED in which the applicant may rate; then 基本满意 by default.',
  },
  reRatingWindowDays: {
    type: 'integer',
    minimum: 1,
    maximum: 90,
    description:
      'Natural days after RECTIFIED or EXPLAINED in which the portal may re-rate a rectification; then 基本满意 by default.',
  },
  visitDays: DAYS(30, 'Working days a rectification has for its follow-up visit (回访).'),
  rectifyDays: {
    type: 'integer',
    minimum: 1,
    maximum: 90,
    description: 'Working days a rectification has to rectify or explain.',
  },
} as const;

export const SUPERVISION_POLICY_SCHEMA = {
  type: 'object',
  properties: {
    $comment: { type: 'string' },
    defaults: {
      type: 'object',
      properties: RULE_PROPERTIES,
      required: [
        'warningDaysLeft',
        'warningRatio',
        'escalateAfterDays',
        'evaluationWindowDays',
        'visitDays',
        'rectifyDays',
      ],
      additionalProperties: false,
    },
    provinces: {
      type: 'object',
      propertyNames: { pattern: '^[0-9]{2}$' },
      additionalProperties: {
        type: 'object',
        properties: RULE_PROPERTIES,
        additionalProperties: false,
      },
    },
  },
  required: ['defaults'],
  additionalProperties: false,
} as const;

type PolicyFile = FromSchema<typeof SUPERVISION_POLICY_SCHEMA>;
export type ProvinceRule = Readonly<Required<PolicyFile['defaults']>>;

/**
 * Defaults a policy file may leave out: the settings added after the file's first version, so an
 * operator's own file (GW_SUPERVISION_FILE) written before them still starts the new version, with
 * the national practice (the shipped file's values).
 */
const LATER_DEFAULTS = { reRatingWindowDays: 7 } as const;

export interface SupervisionPolicy {
  readonly defaults: ProvinceRule;
  /** The rule of a province (two-digit code): its overrides on top of the defaults. */
  forProvince(province: string | undefined): ProvinceRule;
}

export class SupervisionPolicyError extends Error {
  override name = 'SupervisionPolicyError';
}

// Compiled at its first use, not at import: a start's failure report imports this module for its
// error class alone (shared/start-failure.ts), and a start refused before the supervision file is
// read spent the compile for nothing.
let compiled: ValidateFunction<PolicyFile> | undefined;
function policyValidator(): ValidateFunction<PolicyFile> {
  compiled ??= new SharedMetaAjv({ allErrors: true, strict: true }).compile<PolicyFile>(
    SUPERVISION_POLICY_SCHEMA,
  );
  return compiled;
}

/** Checks a parsed policy file; `members` are the alliance's provinces an override may name. */
export function createSupervisionPolicy(
  raw: unknown,
  members: readonly string[],
  source = 'supervision policy',
): SupervisionPolicy {
  const validate = policyValidator();
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new SupervisionPolicyError(`${source}:\n  - ${problems.join('\n  - ')}`);
  }
  const overrides = raw.provinces ?? {};
  const strangers = Object.keys(overrides).filter((p) => !members.includes(p));
  if (strangers.length > 0) {
    throw new SupervisionPolicyError(
      `${source}: provinces ${strangers.join(', ')} are not alliance members`,
    );
  }
  const defaults: ProvinceRule = Object.freeze({ ...LATER_DEFAULTS, ...raw.defaults });
  const rules = new Map(
    Object.entries(overrides).map(([p, o]) => [p, Object.freeze({ ...defaults, ...o })]),
  );
  return Object.freeze({
    defaults,
    forProvince: (province: string | undefined) => (province && rules.get(province)) || defaults,
  });
}

export function loadSupervisionPolicy(
  members: readonly string[],
  file = projectPath('config/supervision.json'),
): SupervisionPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SupervisionPolicyError(`${file}: ${(error as Error).message}`);
  }
  return createSupervisionPolicy(raw, members, file);
}
