// orderedPeriod: a { start, end } date pair with start ≤ end; "past" also forbids an end after
// today (税款所属期 cannot lie in the future, schemas/README.md#remote-tax-payment).
import type { ErrorObject, FuncKeywordDefinition, SchemaValidateFunction } from 'ajv';

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

const validate: SchemaValidateFunction = function validateOrderedPeriod(
  mode: unknown,
  data: unknown,
) {
  if (mode === false || typeof data !== 'object' || data === null) return true;
  const { start, end } = data as { start?: unknown; end?: unknown };
  if (typeof start !== 'string' || typeof end !== 'string') return true;
  let problem: { message: string; messageZh: string } | undefined;
  if (start > end) {
    problem = { message: 'start must not be after end', messageZh: '起始日期不能晚于截止日期' };
  } else if (mode === 'past' && end > today()) {
    problem = { message: 'end must not be in the future', messageZh: '截止日期不能晚于今天' };
  }
  if (!problem) return true;
  validate.errors = [
    {
      keyword: 'orderedPeriod',
      message: problem.message,
      params: { messageZh: problem.messageZh },
    } as Partial<ErrorObject> as ErrorObject,
  ];
  return false;
};

export const orderedPeriodKeyword: FuncKeywordDefinition = {
  keyword: 'orderedPeriod',
  type: 'object',
  schemaType: ['boolean', 'string'],
  metaSchema: { anyOf: [{ type: 'boolean' }, { const: 'past' }] },
  errors: true,
  validate,
};
