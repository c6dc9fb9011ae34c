// Where a typed result holds free text: the fields whose schema is the shared `text` or
// `shortText` definition (SW-005's 扣款失败原因 and 处理建议). A province writes them as it likes, so
// an ID or mobile number can sit in them where no `x-personal` annotation points; they are masked
// as free text is (mask-free-text.ts) wherever the result shows, as the province's history notes
// are (gateway/README.md#personal-data). Derived once, when the result schema compiles.
import { isSchemaObject } from '../shared/schema-ref.ts';
import { toPointer } from './personal-locations.ts';
import { eachField, type SchemaDocuments } from './schema-fields.ts';

/** The shared definitions that are free text (schemas/defs.schema.json). */
const FREE_TEXT_DEFINITIONS = ['text', 'shortText'] as const;

export interface FreeTextLocation {
  /** RFC 6901 pointer pattern; the token `*` stands for every element or every property. */
  readonly pointer: string;
  readonly tokens: readonly string[];
}

export function freeTextLocations(
  root: Readonly<Record<string, unknown>>,
  docs: SchemaDocuments,
): readonly FreeTextLocation[] {
  const defs = isSchemaObject(docs.defs.$defs) ? docs.defs.$defs : {};
  const freeText = FREE_TEXT_DEFINITIONS.map((name) => defs[name]).filter(isSchemaObject);
  const out: FreeTextLocation[] = [];
  eachField(root, docs, (field) => {
    if (!field.schemas.some((schema) => freeText.includes(schema))) return true;
    const tokens = Object.freeze([...field.tokens]);
    out.push(Object.freeze({ pointer: toPointer(tokens), tokens }));
    return false;
  });
  return Object.freeze(out);
}
