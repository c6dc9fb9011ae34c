// orderedPeriod: a { start, end } date pair with start ≤ end; "past" also forbids an end after
// today (税款所属期 cannot lie in the future). Today is the China calendar date (UTC+8), given by
// the clock the registry was built with.
import type { ErrorObject, FuncKeywordDefinition, SchemaValidateFunction } from 'ajv';

export function orderedPeriodKeyword(today: () => string): FuncKeywordDefinition {
  const validate: SchemaValidateFunction = function validateOrderedPeriod(
    mode: unknown,
    data: unknown,
  ) {
    if (mode === false || typeof data !== 'object' || data === null) return true;
    const { start, end } = data as { start?: unknown; end?: unknown };
    if (typeof start !== 'string' || typeof end !== 'string') return true;
    let problem: { message: string; messageZh: string } | undefined;
    const now = mode === 'past' ? today() : '';
    if (start > end) {
      problem = { message: 'start must not be after end', messageZh: '起始日期不能晚于截止日期' };
    } else if (mode === 'past' && end > now) {
      problem = {
        message: `end must not be after today (${now}, China time)`,
        messageZh: `截止日期不能晚于今天(${now},北京时间)`,
      };
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
  return {
    keyword: 'orderedPeriod',
    type: 'object',
    schemaType: ['boolean', 'string'],
    metaSchema: { anyOf: [{ type: 'boolean' }, { const: 'past' }] },
    errors: true,
    validate,
  };
}
