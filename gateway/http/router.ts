// Every router of the gateway matches paths case-sensitively and strictly (gateway/README.md#api-contract):
// one resource, one spelling. Otherwise /V1/cases, /v1/Cases and /v1/cases/ all reach the same
// handler, a signature or a proxy rule written for one spelling would not cover the others, and
// logs and metrics would count one route under many names.
import { Router } from 'express';

export const ROUTER_OPTIONS = { caseSensitive: true, strict: true } as const;

export function gatewayRouter(): Router {
  return Router(ROUTER_OPTIONS);
}
