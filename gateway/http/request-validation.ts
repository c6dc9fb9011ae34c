// Validation at the edge: a route's body and query contracts, compiled once when the routes are
// mounted, checked before its handler runs. The problems are the catalogue's (field-problems.ts):
// one per field, a JSON pointer, English and Chinese. A bad body is 422 GW_VALIDATION_FAILED with
// pointers into the body; a bad query is 400 GW_INVALID_PARAMETER with pointers /query/<name>.
// A request that sends no body at all is read as the empty object, as an empty body is
// (json-body.ts): a POST without one got a lone "must be object" at pointer "", where `{}` got
// the missing members one by one; now both name what to send (README.md#bad-input-and-limits).
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { Request } from 'express';
import { createRequestAjv } from '../catalogue/create-ajv.ts';
import { toFieldProblems } from '../catalogue/field-problems.ts';
import { GatewayError, problemCount } from '../shared/errors.ts';
import type { RequestContract } from './request-contract.ts';

/** Checks one request; returns the value the handler gets, or throws the problem. */
export type RequestCheck = (req: Request) => unknown;

/** Compiles contracts for one app; each schema once, however many routes share it. */
export function requestChecks(ajv: Ajv2020 = createRequestAjv()) {
  return (contract: RequestContract<unknown>): RequestCheck => {
    const { schema } = contract;
    // The envelope: handed on as sent, for the use case's staged validation.
    if (!schema) return (req) => (contract.in === 'body' ? bodyOf(req) : req.query);
    const validate = ajv.compile(schema);
    if (contract.in === 'body') {
      return (req) => {
        const body = bodyOf(req);
        if (validate(body)) return body;
        const errors = toFieldProblems(validate.errors, '', body);
        throw new GatewayError('GW_VALIDATION_FAILED', {
          detail: `The body does not match the ${contract.component} schema (OpenAPI components/schemas/${contract.component}): ${problemCount(errors)}, each in errors`,
          errors,
        });
      };
    }
    return (req) => {
      const query = presentParameters(req.query);
      if (validate(query)) return query;
      throw new GatewayError('GW_INVALID_PARAMETER', {
        errors: toFieldProblems(validate.errors, '/query', query),
      });
    };
  };
}

// json-body.ts leaves req.body unset when no body was sent (no Content-Length, or 0); a body
// that was sent is always parsed to an object or an array.
function bodyOf(req: Request): unknown {
  const body: unknown = req.body;
  return body === undefined ? {} : body;
}

// `?mode=&q=` is what a form with empty fields sends: an empty parameter counts as absent.
function presentParameters(query: unknown): Record<string, unknown> {
  const entries = Object.entries(query ?? {}).filter(([, value]) => value !== '');
  return Object.fromEntries(entries);
}
