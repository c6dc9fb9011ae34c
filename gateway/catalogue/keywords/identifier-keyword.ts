// Shared shape of the identifier keywords (schemas/README.md#identifier-keywords: one keyword per
// file, as ajv does). Each keyword file holds one check algorithm as a pure function plus its ajv
// definition built here, so the failure carries an English message and a Chinese one
// (params.messageZh) built from the data.
import type { ErrorObject, FuncKeywordDefinition, SchemaValidateFunction } from 'ajv';

export interface IdentifierProblem {
  message: string;
  messageZh: string;
}

export type IdentifierCheck = (value: string) => IdentifierProblem | undefined;

export function identifierKeyword(keyword: string, check: IdentifierCheck): FuncKeywordDefinition {
  const validate: SchemaValidateFunction = function validateIdentifier(
    enabled: unknown,
    data: unknown,
  ) {
    if (enabled === false || typeof data !== 'string') return true;
    const problem = check(data);
    if (!problem) return true;
    validate.errors = [
      {
        keyword,
        message: problem.message,
        params: { messageZh: problem.messageZh },
      } as Partial<ErrorObject> as ErrorObject,
    ];
    return false;
  };
  return {
    keyword,
    type: 'string',
    schemaType: 'boolean',
    errors: true,
    validate,
  };
}
