// maxJsonLength: the value written as JSON is at most N characters. JSON Schema bounds strings,
// arrays and property counts but not the size of a free-form object, such as the decision a
// province attaches to its `decided` event (4 KiB, schemas of gateway/cases/case-event.ts).
import type { ErrorObject, FuncKeywordDefinition, SchemaValidateFunction } from 'ajv';

const validate: SchemaValidateFunction = function validateMaxJsonLength(
  limit: unknown,
  data: unknown,
) {
  if (typeof limit !== 'number' || data === undefined) return true;
  if (JSON.stringify(data).length <= limit) return true;
  validate.errors = [
    {
      keyword: 'maxJsonLength',
      message: `must be at most ${limit} characters as JSON`,
      params: { limit, messageZh: `序列化为 JSON 后不得超过 ${limit} 个字符` },
    } as Partial<ErrorObject> as ErrorObject,
  ];
  return false;
};

export const maxJsonLengthKeyword: FuncKeywordDefinition = {
  keyword: 'maxJsonLength',
  schemaType: 'number',
  metaSchema: { type: 'integer', minimum: 0 },
  errors: true,
  validate,
};
