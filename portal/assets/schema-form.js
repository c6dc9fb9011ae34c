// A form built from an item's published JSON Schema (README.md#the-taxpayer-portal), so the page
// follows the catalogue: a field per property with its Chinese title, enums as selects, dates as
// date inputs, objects as sections, arrays as rows that can be added and removed within the
// schema's bounds. Every control carries the JSON pointer of its value in the envelope
// (data-pointer="/payload/lines/0/amount"), which is how the gateway's field problems find their
// field. The browser does not validate: the gateway does, and its Chinese messages are shown
// (ajv's for a missing field or a pattern in the taxpayer's words, field-messages.js), each tied
// to its field (aria-invalid, aria-describedby), so a screen reader reads the message
// with the field the page moves focus to.
import { fieldLimit } from './field-limit.js';
import { fieldMessage } from './field-messages.js';

/** Keywords of an item schema that are not fields (its result and its cross-field rules). */
const NOT_FIELDS = new Set(['resultSchema', 'crossFieldRules']);
const DEFS_REF = /(?:^|\/)defs\.schema\.json#\/\$defs\/([^/]+)$/;
const LOCAL_REF = /^#\/\$defs\/([^/]+)$/;

/** `schema` with its $ref followed (the referring schema's own keywords win, e.g. its title). */
function resolve(schema, context) {
  if (!schema || typeof schema.$ref !== 'string') return { schema: schema ?? {}, context };
  const { $ref, ...own } = schema;
  const shared = DEFS_REF.exec($ref);
  const local = LOCAL_REF.exec($ref);
  let target;
  let next = context;
  if (shared) {
    target = context.definitions[shared[1]];
    next = { ...context, inDefinitions: true };
  } else if (local) {
    target = context.inDefinitions ? context.definitions[local[1]] : context.root.$defs?.[local[1]];
  }
  const resolved = resolve(target ?? {}, next);
  return { schema: { ...resolved.schema, ...own }, context: resolved.context };
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter(Boolean));
  return node;
}

const idOf = (pointer) => `f${pointer.replace(/[^A-Za-z0-9]/g, '-')}`;
const errorIdOf = (pointer) => `${idOf(pointer)}-error`;
const at = (value, key) => (value && typeof value === 'object' ? value[key] : undefined);

/** A phone's keypad for amounts and digit strings. */
function inputMode(pattern = '') {
  if (/\\\.\[0-9\]\{2\}/.test(pattern)) return 'decimal';
  return /^\^\[0-9\]\{[0-9,]+\}\$$/.test(pattern) ? 'numeric' : undefined;
}

/**
 * The name a code typed into a text field stands for (开户行行号 → the bank), said under the field as
 * it is typed; nothing for a code the labels do not know. The taxpayer saw only the digits.
 */
function codeName(input, names, element) {
  const note = element('p', { class: 'code-name', id: `${input.id}-name`, 'aria-live': 'polite' });
  const say = () => {
    note.textContent = names[input.value.trim()] ?? '';
    note.hidden = note.textContent === '';
  };
  input.addEventListener('input', say);
  say();
  // Read with the field; a refusal's message is read before it (showProblems).
  input.setAttribute('aria-describedby', note.id);
  input.dataset.describedBy = note.id;
  return note;
}

function optionText(labels, name, value) {
  const text = labels?.[name]?.[value];
  if (!text) return value;
  return /^[0-9]+$/.test(value) ? `${value} ${text}` : text;
}

export function buildSchemaForm(container, options) {
  const { schema, definitions = {}, values = {}, fixed = [], labels = {}, newRow } = options;
  const base = options.base ?? '/payload';
  const root = { root: schema, definitions, inDefinitions: false };
  const listeners = [];
  const changed = () => listeners.forEach((fn) => fn());

  function control(pointer, name, s, value, required) {
    const common = {
      id: idOf(pointer),
      name: pointer,
      'data-pointer': pointer,
      // novalidate on the form: `required` only tells assistive technology, the browser checks nothing.
      required: required || undefined,
    };
    if (Array.isArray(s.enum)) {
      const select = element('select', common, element('option', { value: '', text: '请选择' }));
      for (const v of s.enum)
        select.append(element('option', { value: v, text: optionText(labels, name, String(v)) }));
      select.value = value === undefined ? '' : String(value);
      return select;
    }
    const input = element('input', {
      ...common,
      type: s.format === 'date' ? 'date' : 'text',
      // No `maxlength`: the browser cut a longer value without a word; field-limit.js says it.
      inputmode: inputMode(s.pattern),
      autocomplete: 'off',
    });
    input.value = value === undefined || value === null ? '' : String(value);
    if (fixed.includes(pointer)) input.readOnly = true;
    return input;
  }

  function leaf(pointer, name, s, value, required) {
    const title = element('label', { for: idOf(pointer), text: s.title ?? name });
    // The star is for the eye; the control's `required` says it to a screen reader.
    if (required)
      title.append(element('span', { class: 'required', text: '*', 'aria-hidden': 'true' }));
    const wide = (s.maxLength ?? 0) > 60 && !Array.isArray(s.enum);
    const input = control(pointer, name, s, value, required);
    const limited = input.matches('input[type="text"]') && Number.isInteger(s.maxLength);
    const names = !Array.isArray(s.enum) ? labels?.[name] : undefined;
    return element(
      'div',
      { class: `field${wide ? ' wide' : ''}`, 'data-field': pointer },
      title,
      input,
      limited ? fieldLimit(input, s, element) : null,
      names ? codeName(input, names, element) : null,
      errorHolder(pointer, s.title ?? name),
    );
  }

  function errorHolder(pointer, title) {
    return element('p', {
      class: 'field-error',
      id: errorIdOf(pointer),
      'data-error-for': pointer,
      // A leaf's title, which its messages name (field-messages.js).
      ...(title ? { 'data-title': title } : {}),
      hidden: true,
    });
  }

  /**
   * A section's `required` binds only once the section is filled: the fields of an optional one
   * (合同有效期's 起始日期 and 截止日期) are optional too, and carry no star. They had one, as if the
   * contract period had to be given.
   */
  function section(pointer, name, s, value, context, sectionRequired) {
    const legend = element('legend', { text: s.title ?? name });
    const fields = element('div', { class: 'fields' });
    const required = new Set(sectionRequired ? (s.required ?? []) : []);
    for (const [key, sub] of Object.entries(s.properties ?? {})) {
      if (NOT_FIELDS.has(key)) continue;
      fields.append(
        node(`${pointer}/${key}`, key, sub, at(value, key), required.has(key), context),
      );
    }
    return element(
      'fieldset',
      { class: 'form-section wide', 'data-pointer': pointer },
      legend,
      errorHolder(pointer),
      fields,
    );
  }

  function rows(pointer, name, s, value, context, arrayRequired) {
    const holder = element('fieldset', { class: 'form-section wide', 'data-pointer': pointer });
    const list = element('div', { class: 'fields' });
    const min = s.minItems ?? 0;
    const max = s.maxItems ?? 50;
    const item = resolve(s.items, context);
    let items =
      Array.isArray(value) && value.length > 0
        ? value
        : Array.from({ length: Math.max(min, 1) }, () => ({}));
    const add = element('button', { type: 'button', class: 'secondary add-row', text: '添加一行' });
    function render() {
      list.replaceChildren(
        ...items.map((row, i) => {
          const rowPointer = `${pointer}/${i}`;
          const remove = element('button', {
            type: 'button',
            class: 'secondary',
            text: '删除',
            // Each row's button says which row it removes: a list of 删除, 删除 says nothing.
            'aria-label': `删除第 ${i + 1} 行`,
          });
          remove.disabled = items.length <= min;
          remove.addEventListener('click', () => {
            items = collectArray(pointer, s, context).filter((_, j) => j !== i);
            render();
            changed();
          });
          const head = element(
            'div',
            { class: 'row-head' },
            element('span', { text: `第 ${i + 1} 行` }),
            remove,
          );
          // A row is there to be filled: its fields are as required as the list itself.
          const body = node(rowPointer, name, item.schema, row, arrayRequired, item.context);
          // The row's own head names it; the item schema's title would say it twice.
          body.querySelector(':scope > legend')?.remove();
          body.classList.remove('wide');
          return element('div', { class: 'row-item', 'data-row': rowPointer }, head, body);
        }),
      );
      add.disabled = items.length >= max;
    }
    add.addEventListener('click', () => {
      items = [...collectArray(pointer, s, context), newRow?.(pointer) ?? {}];
      render();
      changed();
    });
    render();
    holder.append(element('legend', { text: s.title ?? name }), errorHolder(pointer), list, add);
    return holder;
  }

  function node(pointer, name, raw, value, required, context) {
    const { schema: s, context: inner } = resolve(raw, context);
    if (s.type === 'object' && s.properties)
      return section(pointer, name, s, value, inner, required);
    if (s.type === 'array' && s.items) return rows(pointer, name, s, value, inner, required);
    return leaf(pointer, name, s, value, required);
  }

  // Reading values back, by walking the schema again: empty fields are left out, so a missing
  // required field is the gateway's to name.
  function collect(pointer, raw, context) {
    const { schema: s, context: inner } = resolve(raw, context);
    if (s.type === 'object' && s.properties) {
      const out = {};
      for (const [key, sub] of Object.entries(s.properties)) {
        if (NOT_FIELDS.has(key)) continue;
        const v = collect(`${pointer}/${key}`, sub, inner);
        if (v !== undefined) out[key] = v;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    if (s.type === 'array' && s.items) return collectArray(pointer, s, inner);
    const control = container.querySelector(`[data-pointer="${CSS.escape(pointer)}"]`);
    const text = control ? control.value.trim() : '';
    if (text === '') return undefined;
    if (s.type === 'integer' || s.type === 'number') return Number(text);
    return text;
  }

  function collectArray(pointer, s, context) {
    const count = container.querySelectorAll(`[data-row^="${CSS.escape(`${pointer}/`)}"]`).length;
    return Array.from(
      { length: count },
      (_, i) => collect(`${pointer}/${i}`, s.items, context) ?? {},
    );
  }

  const top = resolve(schema, root);
  const required = new Set(top.schema.required ?? []);
  const fields = element('div', { class: 'fields' });
  for (const [key, sub] of Object.entries(top.schema.properties ?? {})) {
    if (NOT_FIELDS.has(key)) continue;
    fields.append(node(`${base}/${key}`, key, sub, values[key], required.has(key), top.context));
  }
  container.replaceChildren(fields);
  container.addEventListener('input', changed);
  container.addEventListener('change', changed);

  return {
    values: () => collect(base, schema, root) ?? {},
    onChange: (fn) => listeners.push(fn),
    control: (pointer) => container.querySelector(`[data-pointer="${CSS.escape(pointer)}"]`),
    /**
     * Shows each problem's messageZh beside its field, or beside the nearest enclosing section;
     * returns the problems no field or section could hold.
     */
    showProblems(problems) {
      this.clearProblems();
      const unplaced = [];
      for (const problem of problems) {
        let pointer = problem.path;
        let holder = null;
        while (pointer && !holder) {
          holder = container.querySelector(`[data-error-for="${CSS.escape(pointer)}"]`);
          if (!holder) pointer = pointer.slice(0, pointer.lastIndexOf('/'));
        }
        if (!holder) {
          unplaced.push(problem);
          continue;
        }
        holder.hidden = false;
        // The field's own title only when the message is about that field, not one inside it.
        const title = pointer === problem.path ? holder.dataset.title : undefined;
        const control = container.querySelector(`[data-pointer="${CSS.escape(problem.path)}"]`);
        const text = fieldMessage(problem, title, control?.value ?? '');
        holder.textContent = [holder.textContent, text].filter(Boolean).join('；');
        const box = holder.closest('.field, fieldset');
        box?.classList.add('invalid');
        // The field itself (a leaf), or the section the message sits in (a fieldset).
        const described = box?.matches('.field')
          ? box.querySelector('input, select, textarea')
          : box;
        if (described) {
          described.setAttribute('aria-invalid', 'true');
          const own = described.dataset.describedBy;
          described.setAttribute('aria-describedby', own ? `${holder.id} ${own}` : holder.id);
        }
      }
      container.querySelector('.invalid input, .invalid select')?.focus();
      return unplaced;
    },
    clearProblems() {
      for (const holder of container.querySelectorAll('[data-error-for]')) {
        holder.hidden = true;
        holder.textContent = '';
      }
      for (const marked of container.querySelectorAll('.invalid'))
        marked.classList.remove('invalid');
      for (const described of container.querySelectorAll('[aria-invalid]')) {
        described.removeAttribute('aria-invalid');
        const own = described.dataset.describedBy;
        if (own) described.setAttribute('aria-describedby', own);
        else described.removeAttribute('aria-describedby');
      }
    },
  };
}
