// 好差评 (schemas/README.md#service-evaluation, gateway/README.md#evaluations): one evaluation per
// closed case per rated party, five levels, the five online indicators, an optional comment. The
// request body is written once here as a JSON Schema (checked at the edge, published in OpenAPI,
// and the EvaluationBody type through json-schema-to-ts).
import type { FromSchema } from 'json-schema-to-ts';
import type { RequestContract } from '../http/request-contract.ts';

/** Who is rated: the handling authority, or in a proxy case also the collecting window. */
export const RATED_PARTIES = ['handling', 'collecting'] as const;
export type RatedParty = (typeof RATED_PARTIES)[number];

/** The five levels (GB/T 39734); 1–2 are 差评. */
export const LEVEL_NAMES = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
} as const;

/** What an applicant who does not rate within the window is counted as: 基本满意. */
export const DEFAULT_LEVEL = 3;

export const isBadLevel = (level: number) => level <= 2;
export const isGoodLevel = (level: number) => level >= 4;

/** The online indicators, by API key. */
export const INDICATORS = {
  overall: '整体满意度',
  efficiency: '办事效率',
  guideAccuracy: '办事指南精确度',
  convenience: '办事便捷度',
  usability: '平台操作性',
} as const;

const LEVEL = { type: 'integer', minimum: 1, maximum: 5 } as const;

export const EVALUATION_SCHEMA = {
  type: 'object',
  description:
    'An evaluation of a closed case: level 1–5 (5 非常满意 … 1 非常不满意; 1–2 open a rectification).',
  properties: {
    level: { ...LEVEL, description: 'Overall level, 1–5.' },
    rated: {
      type: 'string',
      enum: RATED_PARTIES,
      description:
        'handling: the handling authority; collecting: the collecting window (proxy cases).',
    },
    indicators: {
      type: 'object',
      description: `Online indicators, each 1–5: ${Object.entries(INDICATORS)
        .map(([key, zh]) => `${key} ${zh}`)
        .join(', ')}.`,
      properties: {
        overall: LEVEL,
        efficiency: LEVEL,
        guideAccuracy: LEVEL,
        convenience: LEVEL,
        usability: LEVEL,
      },
      minProperties: 1,
      additionalProperties: false,
    },
    comment: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      description: 'Free text; never part of statistics, masked when shown.',
    },
  },
  required: ['level', 'rated'],
  additionalProperties: false,
} as const;

export type EvaluationBody = FromSchema<typeof EVALUATION_SCHEMA>;

export const EVALUATION_BODY: RequestContract<EvaluationBody> = {
  in: 'body',
  component: 'Evaluation',
  schema: EVALUATION_SCHEMA,
};

export type Indicators = NonNullable<EvaluationBody['indicators']>;

/** A stored evaluation (a hash in the rated province's slot). */
export interface Evaluation {
  evaluationId: string;
  caseId: string;
  rated: RatedParty;
  /** The rated party's province. */
  province: string;
  itemCode: string;
  /** The portal that submitted the case (and rates it). */
  clientId: string;
  level: number;
  indicators?: Indicators;
  comment?: string;
  /** applicant: rated by the portal; default: 基本满意 after the window. */
  source: 'applicant' | 'default';
  at: string;
  /** China date of `at`: the statistics bucket. */
  date: string;
  rectificationId?: string;
  /** Set when an appeal found the 差评 untrue (申诉复核): out of the statistics. */
  voidedAt?: string;
  /** The applicant's request (Idempotency-Key hash and body hash) and its 201, for replays. */
  keyHash?: string;
  requestHash?: string;
  response?: string;
}

const TEXT_FIELDS = [
  'evaluationId',
  'caseId',
  'rated',
  'province',
  'itemCode',
  'clientId',
  'comment',
  'source',
  'at',
  'date',
  'rectificationId',
  'voidedAt',
  'keyHash',
  'requestHash',
  'response',
] as const;

export function evaluationToHash(e: Evaluation): Record<string, string> {
  const hash: Record<string, string> = { level: String(e.level) };
  for (const key of TEXT_FIELDS) if (e[key] !== undefined) hash[key] = e[key];
  if (e.indicators) hash.indicators = JSON.stringify(e.indicators);
  return hash;
}

export function evaluationFromHash(hash: Record<string, string>): Evaluation | undefined {
  if (!hash.evaluationId) return undefined;
  return {
    ...(hash as unknown as Evaluation),
    level: Number(hash.level),
    ...(hash.indicators ? { indicators: JSON.parse(hash.indicators) as Indicators } : {}),
  };
}
