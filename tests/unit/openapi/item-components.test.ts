// Every published item version becomes a self-contained component that keeps its schema's meaning:
// a generic 2020-12 validator (ajv, our keywords unknown to it) accepts every valid example payload
// and still refuses the invalid ones whose failure is standard JSON Schema. Identifier checks
// (x-gw-check) and cross-field rules (x-gw-rules) are the gateway's own and cannot be enforced by
// generic validators.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueItem } from '../../../gateway/catalogue/catalogue-item.ts';
import { CROSS_FIELD_RULES } from '../../../gateway/catalogue/rules/rule-catalogue.ts';
import type { SchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import {
  itemComponentName,
  resultComponentName,
  type OpenApiDocument,
} from '../../../gateway/openapi/build-openapi.ts';
import { GATEWAY_CHECKS } from '../../../gateway/openapi/convert-schema.ts';
import { catalogueDocument, catalogueRegistry } from './support.ts';

// ajv-formats is CommonJS with a default export; under NodeNext its callable sits on .default.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const DOC_ID = 'https://swgw.test/openapi.json';

let registry: SchemaRegistry;
let doc: OpenApiDocument;
let ajv: Ajv2020;
beforeAll(() => {
  registry = catalogueRegistry();
  doc = catalogueDocument(registry);
  // The components only, under an id, so "#/components/schemas/…" refs resolve as in the document.
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
});

function versionsOf(registry: SchemaRegistry): { item: CatalogueItem; version: number }[] {
  return registry.items().flatMap((latest) =>
    Array.from({ length: latest.version }, (_, i) => i + 1)
      .filter((version) => registry.item(latest.code, version) !== undefined)
      .map((version) => ({ item: registry.item(latest.code, version)!, version })),
  );
}

function componentValidator(name: string): ValidateFunction {
  return ajv.compile({ $ref: `${DOC_ID}#/components/schemas/${name}` });
}

const payloadOf = (envelope: unknown) => (envelope as { payload?: unknown }).payload;

describe('item components', () => {
  it('documents the whole catalogue the registry holds', () => {
    expect(registry.items().length).toBeGreaterThan(0);
    const names = Object.keys(doc.components.schemas).filter(
      (n) => n.startsWith('item.') && !n.endsWith('.result'),
    );
    expect(names.sort()).toEqual(
      versionsOf(registry)
        .map(({ item, version }) => itemComponentName(item.code, version))
        .sort(),
    );
  });

  it('gives each item its Chinese title and its valid payloads as examples', () => {
    for (const { item, version } of versionsOf(registry)) {
      const component = doc.components.schemas[itemComponentName(item.code, version)];
      const valid = registry.examplesFor(item.code, version)!.valid;
      expect(component, item.code).toMatchObject({
        title: item.name,
        examples: valid.map(payloadOf),
        'x-gw-item': { code: item.code, version },
      });
      expect(item.name, item.code).toMatch(/[\u4e00-\u9fa5]/);
    }
  });

  it('accepts every valid example payload with a generic 2020-12 validator', () => {
    for (const { item, version } of versionsOf(registry)) {
      const validate = componentValidator(itemComponentName(item.code, version));
      registry.examplesFor(item.code, version)!.valid.forEach((envelope, i) => {
        const ok = validate(payloadOf(envelope));
        expect(ok ? [] : validate.errors, `${item.code} v${version} valid[${i}]`).toEqual([]);
      });
    }
  });

  it('still refuses invalid payloads whose failure is standard JSON Schema', () => {
    let checked = 0;
    for (const { item, version } of versionsOf(registry)) {
      const validate = componentValidator(itemComponentName(item.code, version));
      for (const example of registry.examplesFor(item.code, version)!.invalid) {
        // Identifier keywords and cross-field rules are the gateway's own: generic validators skip them.
        const ours = example.keyword in GATEWAY_CHECKS || CROSS_FIELD_RULES.has(example.keyword);
        if (!example.pointer.startsWith('/payload') || ours) continue;
        checked++;
        expect(validate(payloadOf(example.envelope)), `${item.code}: ${example.pointer}`).toBe(
          false,
        );
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('publishes a typed result as its own component, which accepts its examples and refuses a generic approval', () => {
    const typed = versionsOf(registry).filter(({ item, version }) =>
      registry.resultFor(item.code, version),
    );
    expect(typed.map(({ item }) => item.code)).toContain('SW-005');
    for (const { item, version } of typed) {
      const name = resultComponentName(item.code, version);
      const payload = doc.components.schemas[itemComponentName(item.code, version)] as object;
      expect(payload, `${item.code}: the payload component holds no result`).not.toHaveProperty(
        'resultSchema',
      );
      const validate = componentValidator(name);
      const examples = registry.resultFor(item.code, version)!.schema.examples as unknown[];
      for (const example of examples)
        expect(validate(example) ? [] : validate.errors, name).toEqual([]);
      expect(validate({ decision: 'approved' }), name).toBe(false);
    }
  });

  it('checks envelopes with the envelope component the way the gateway does', () => {
    const validate = componentValidator('envelope');
    for (const item of registry.items()) {
      for (const envelope of registry.examplesFor(item.code)!.valid)
        expect(validate(envelope) ? [] : validate.errors, item.code).toEqual([]);
    }
  });
});
