// The compatibility rule table (schemas/README.md#compatibility, generated from this table): one
// row per kind of schema change, with what it compares and whether it breaks BACKWARD
// compatibility, i.e. whether a submission the published version accepted could be refused by
// the next one. The comparisons live in compare-*.ts and report by rule id; whether a change is
// breaking is read here, so the table the README shows is the table the check applies.

export interface CompatibilityRule {
  readonly id: string;
  /** The keywords the rule compares. */
  readonly compares: string;
  readonly breaking: boolean;
  /** When the rule reports a change. */
  readonly when: string;
}

const rule = (id: string, compares: string, breaking: boolean, when: string) =>
  Object.freeze({ id, compares, breaking, when });

export const COMPATIBILITY_RULES: readonly CompatibilityRule[] = Object.freeze([
  rule(
    'type-narrowed',
    'type, false',
    true,
    'a type is no longer accepted, or the field accepts nothing',
  ),
  rule('type-widened', 'type', false, 'a type is accepted that was not'),
  rule(
    'enum-narrowed',
    'enum, const',
    true,
    'a value is no longer allowed, or a list of values is imposed',
  ),
  rule(
    'enum-widened',
    'enum, const',
    false,
    'a value is allowed that was not, or the list is lifted',
  ),
  rule('pattern-added', 'pattern', true, 'a pattern is imposed where there was none'),
  rule(
    'pattern-changed',
    'pattern',
    true,
    'a pattern differs (inclusion of one pattern in another cannot be proven)',
  ),
  rule('pattern-removed', 'pattern', false, 'a pattern is lifted'),
  rule('format-added', 'format', true, 'a format is imposed where there was none'),
  rule('format-changed', 'format', true, 'the format differs'),
  rule('format-removed', 'format', false, 'a format is lifted'),
  rule(
    'length-narrowed',
    'minLength, maxLength, maxJsonLength',
    true,
    'minLength raised, maxLength or maxJsonLength lowered or imposed',
  ),
  rule(
    'length-widened',
    'minLength, maxLength, maxJsonLength',
    false,
    'minLength lowered, maxLength or maxJsonLength raised or lifted',
  ),
  rule(
    'range-narrowed',
    'minimum, maximum, exclusiveMinimum, exclusiveMaximum',
    true,
    'a bound raised (lower) or lowered (upper), made exclusive, or imposed',
  ),
  rule(
    'range-widened',
    'minimum, maximum, exclusiveMinimum, exclusiveMaximum',
    false,
    'a bound moved outwards, made inclusive, or lifted',
  ),
  rule('multiple-of-narrowed', 'multipleOf', true, 'a step that the old step is not a multiple of'),
  rule('multiple-of-widened', 'multipleOf', false, 'a step lifted'),
  rule(
    'item-count-narrowed',
    'minItems, maxItems, uniqueItems',
    true,
    'minItems raised, maxItems lowered or imposed, uniqueItems imposed',
  ),
  rule(
    'item-count-widened',
    'minItems, maxItems, uniqueItems',
    false,
    'minItems lowered, maxItems raised or lifted, uniqueItems lifted',
  ),
  rule(
    'property-count-narrowed',
    'minProperties, maxProperties',
    true,
    'minProperties raised, maxProperties lowered or imposed',
  ),
  rule(
    'property-count-widened',
    'minProperties, maxProperties',
    false,
    'minProperties lowered, maxProperties raised or lifted',
  ),
  rule('required-added', 'required', true, 'a property becomes required'),
  rule('required-removed', 'required', false, 'a property becomes optional'),
  rule(
    'dependency-added',
    'dependentRequired',
    true,
    'a property requires another that it did not',
  ),
  rule('dependency-removed', 'dependentRequired', false, 'a property no longer requires another'),
  rule(
    'property-added',
    'properties',
    false,
    'a property is declared that was not (its own constraints are compared with what the object accepted there before)',
  ),
  rule(
    'property-removed',
    'properties, additionalProperties, unevaluatedProperties',
    true,
    'a property of a closed object is no longer declared',
  ),
  rule(
    'property-undeclared',
    'properties',
    false,
    'a property of an open object is no longer declared (the object still accepts it)',
  ),
  rule(
    'object-closed',
    'additionalProperties, unevaluatedProperties',
    true,
    'an object refuses properties it does not name, where it accepted them',
  ),
  rule(
    'object-opened',
    'additionalProperties, unevaluatedProperties',
    false,
    'an object accepts properties it does not name',
  ),
  rule(
    'pattern-properties-changed',
    'patternProperties',
    true,
    'the property-name patterns differ',
  ),
  rule('contains-added', 'contains', true, 'an array must contain an element it need not have'),
  rule('contains-removed', 'contains', false, 'an array need no longer contain such an element'),
  rule(
    'conditional-added',
    'if, then, else',
    true,
    'a condition is added or its `if` changed (the new condition may refuse what passed)',
  ),
  rule('conditional-removed', 'if, then, else', false, 'a condition is lifted or its `if` changed'),
  rule(
    'alternatives-narrowed',
    'anyOf, oneOf',
    true,
    'an alternative is removed, changed or imposed (any oneOf change but its removal)',
  ),
  rule(
    'alternatives-widened',
    'anyOf, oneOf',
    false,
    'anyOf gains an alternative, or anyOf / oneOf is lifted',
  ),
  rule('negation-added', 'not', true, 'a `not` is imposed or changed'),
  rule('negation-removed', 'not', false, 'a `not` is lifted'),
  rule(
    'division-table-narrowed',
    'divisionCode, taxAuthorityCode',
    true,
    'a division field checked against a narrower table (none → national → member)',
  ),
  rule(
    'division-table-widened',
    'divisionCode, taxAuthorityCode',
    false,
    'a division field checked against a wider table, or not at all',
  ),
  rule(
    'identifier-check-added',
    'creditCode, idNumber, taxpayerId',
    true,
    'an identifier check is imposed',
  ),
  rule(
    'identifier-check-removed',
    'creditCode, idNumber, taxpayerId',
    false,
    'an identifier check is lifted',
  ),
  rule(
    'ordered-period-narrowed',
    'orderedPeriod',
    true,
    'a period must be ordered, or also not end in the future',
  ),
  rule('ordered-period-widened', 'orderedPeriod', false, 'a period check is relaxed or lifted'),
  rule('cross-field-rule-added', 'crossFieldRules', true, 'a cross-field rule is added or changed'),
  rule(
    'cross-field-rule-removed',
    'crossFieldRules',
    false,
    'a cross-field rule is removed or changed',
  ),
  rule(
    'personal-annotation-changed',
    'x-personal',
    false,
    'a field is marked personal, unmarked, or its kind changes (masking only; not a narrowing)',
  ),
  rule(
    'keyword-changed',
    'any other validation keyword',
    true,
    'a keyword the check does not know differs (assumed to narrow)',
  ),
  rule(
    'ref-unresolved',
    '$ref',
    true,
    'a $ref cannot be resolved, so what it refers to is not compared',
  ),
  rule('comparison-too-deep', '(nesting)', true, 'the schemas nest deeper than the check follows'),
]);

const BY_ID = new Map(COMPATIBILITY_RULES.map((r) => [r.id, r]));

/** Whether the rule's changes break BACKWARD compatibility; an unknown id is treated as breaking. */
export function isBreaking(id: string): boolean {
  return BY_ID.get(id)?.breaking ?? true;
}
