// A text field's length limit, said where the taxpayer types (README.md#the-taxpayer-portal). The
// form set the schema's maxLength as the input's `maxlength`, and the browser cut a longer value —
// a pasted 项目名称 of 120 characters became its first 100 — without a word, and that cut value was
// what the taxpayer paid under. Now nothing is cut: past the limit the field says by how much, and
// the gateway refuses the value (422, maxLength, its pointer on the field) if it is sent anyway.
// Counted in code points, as the gateway's ajv counts a string's length.

const lengthOf = (value) => [...value].length;

/**
 * What the field says of `length` characters against its `max`; '' while within it. Reaching the
 * limit is said of free text only: a code of a fixed length (a 6-digit region, an 11-digit tax
 * authority) is complete at its limit, and 已达 6 个字符上限 under each was noise.
 */
export function limitText(length, max, freeText) {
  if (length > max) return `最多 ${max} 个字符，已输入 ${length} 个，请删减 ${length - max} 个`;
  if (length === max && freeText) return `已达 ${max} 个字符上限`;
  return '';
}

/**
 * Free text: a limit of more than 20 characters (every code the catalogue has is shorter: a
 * division 6, a tax authority 11, a credit code 18) and no pattern that says how many (`{6,32}`).
 */
const CODE_LENGTH = 20;
export const isFreeText = (schema) =>
  schema.maxLength > CODE_LENGTH && !/\{\d/.test(schema.pattern ?? '');

/**
 * The limit's message element for `input` (shown once the value reaches its schema's maxLength,
 * announced politely), kept up to date as the taxpayer types or pastes.
 */
export function fieldLimit(input, schema, element) {
  const max = schema.maxLength;
  const freeText = isFreeText(schema);
  const note = element('p', {
    class: 'field-limit',
    id: `${input.id}-limit`,
    'data-limit-for': input.dataset.pointer,
    'aria-live': 'polite',
  });
  const update = () => {
    const length = lengthOf(input.value);
    note.textContent = limitText(length, max, freeText);
    note.hidden = note.textContent === '';
    note.classList.toggle('over', length > max);
  };
  input.addEventListener('input', update);
  update();
  return note;
}
