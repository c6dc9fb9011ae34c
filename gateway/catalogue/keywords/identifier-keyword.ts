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

/** A check that also reads the keyword's value in the schema (e.g. which division table). */
export type OptionCheck<O extends string> = (
  value: string,
  option: O,
) => IdentifierProblem | undefined;

function definition(
  keyword: string,
  check: (value: string, option: unknown) => IdentifierProblem | undefined,
  schema: Pick<FuncKeywordDefinition, 'schemaType' | 'metaSchema' | 'type'>,
): FuncKeywordDefinition {
  const validate: SchemaValidateFunction = function validateIdentifier(
    option: unknown,
    data: unknown,
  ) {
    if (option === false || typeof data !== 'string') return true;
    const problem = check(data, option);
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
  return { keyword, errors: true, validate, ...schema };
}

/** `"<keyword>": true` on a string schema. */
export function identifierKeyword(keyword: string, check: IdentifierCheck): FuncKeywordDefinition {
  return definition(keyword, (value) => check(value), { schemaType: 'boolean', type: 'string' });
}

/**
 * `"<keyword>": "<option>"`, the option one of `options`, so every use states its choice (e.g.
 * `"divisionCode": "national"`). It sits beside a $ref to the field's form, so it declares no
 * type of its own (ajv's strictTypes would demand one beside every $ref); non-strings pass, the
 * referenced form refuses them.
 */
export function optionKeyword<O extends string>(
  keyword: string,
  options: readonly O[],
  check: OptionCheck<O>,
): FuncKeywordDefinition {
  return definition(keyword, (value, option) => check(value, option as O), {
    schemaType: 'string',
    metaSchema: { enum: [...options] },
  });
}
