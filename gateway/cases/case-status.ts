// Case statuses and the phase of the seven-step loop each belongs to
// (gateway/README.md#statuses-and-phases). 跟踪 (tracking) is the queryable history plus callbacks
// and 督办 (supervision) the warning / overdue / escalated flags, so no status maps to them directly.

export const PHASES = {
  discovery: '发现',
  acceptance: '受理',
  dispatch: '分流',
  handling: '处置',
  tracking: '跟踪',
  supervision: '督办',
  feedback: '反馈',
} as const;
export type PhaseKey = keyof typeof PHASES;

export const STATUS_PHASE = {
  SUBMITTED: 'discovery',
  ACCEPTED: 'acceptance',
  REJECTED: 'acceptance',
  ROUTED: 'dispatch',
  DELIVERED: 'dispatch',
  DELIVERY_FAILED: 'dispatch',
  IN_PROGRESS: 'handling',
  CORRECTION_REQUIRED: 'handling',
  SUSPENDED: 'handling',
  NOT_ACCEPTED: 'handling',
  DECIDED: 'feedback',
  RESULT_DELIVERED: 'feedback',
  CLOSED: 'feedback',
} as const satisfies Record<string, PhaseKey>;
export type CaseStatus = keyof typeof STATUS_PHASE;

export function isCaseStatus(value: unknown): value is CaseStatus {
  return typeof value === 'string' && Object.hasOwn(STATUS_PHASE, value);
}

export interface Phase {
  key: PhaseKey;
  zh: string;
}

export function phaseOf(status: CaseStatus): Phase {
  const key = STATUS_PHASE[status];
  return { key, zh: PHASES[key] };
}
