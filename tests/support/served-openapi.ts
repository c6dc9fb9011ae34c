// The OpenAPI document a gateway serves (GET /openapi.json), loaded into an ajv under a fixed $id,
// so a test validates an answer against `${OPENAPI_DOC_ID}#/paths/…` as a client generated from the
// document would read it.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext its callable sits on .default.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const OPENAPI_DOC_ID = 'https://swgw.test/openapi.json';

export async function servedOpenApi<D extends object>(
  gatewayUrl: string,
): Promise<{ doc: D; ajv: Ajv2020 }> {
  const doc = (await (await fetch(`${gatewayUrl}/openapi.json`)).json()) as D;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: OPENAPI_DOC_ID });
  return { doc, ajv };
}
