// The gateway's route table: every endpoint it serves, in mount order. Each feature keeps its rows
// beside its handlers (method, path, client kinds, request contracts, handler, OpenAPI operation;
// gateway/http/api-route.ts); this list is what services.ts mounts and what buildOpenApi
// documents, so the two cannot differ (tests/integration/route-table.test.ts walks the app).
import { ADMIN_ROUTES } from './admin/admin-routes.ts';
import type { ClientListingDeps } from './admin/client-listing.ts';
import { CLIENT_ROUTES } from './admin/client-routes.ts';
import { DATA_KEY_ROUTES } from './admin/data-key-routes.ts';
import { FAILED_CALLBACK_ROUTES } from './admin/failed-callback-routes.ts';
import type { CallbackQueue } from './callbacks/callback-queue.ts';
import type { AuditLog } from './audit/audit-log.ts';
import { AUDIT_ROUTES } from './audit/audit-routes.ts';
import { CASE_ROUTES, type CaseRouteDeps } from './cases/case-routes.ts';
import type { DeadLetterDeps } from './admin/dead-letters.ts';
import { CATALOGUE_ROUTES } from './catalogue/catalogue-routes.ts';
import type { SchemaRegistry } from './catalogue/schema-registry.ts';
import { DIVISION_ROUTES } from './divisions/division-routes.ts';
import type { DivisionTable } from './divisions/division-table.ts';
import { HEALTH_ROUTES, type HealthDeps } from './health/health-routes.ts';
import type { ApiRoute } from './http/api-route.ts';
import { METRICS_ROUTES, type GatewayMetrics } from './metrics/metrics.ts';
import { DOCS_ROUTES, type DocsPages } from './openapi/docs-routes.ts';
import { EVALUATION_ROUTES, type EvaluationRouteDeps } from './evaluations/evaluation-routes.ts';
import {
  RECTIFICATION_ROUTES,
  type RectificationRouteDeps,
} from './rectifications/rectification-routes.ts';
import { ROUTING_ROUTES, type RoutingRouteDeps } from './routing/routing-routes.ts';
import type { AuditVerifier } from './audit/audit-verification.ts';
import type { SupervisionBoard } from './supervision/supervision-board.ts';
import { SUPERVISION_ROUTES } from './supervision/supervision-routes.ts';
import type { CatalogueAdmin } from './catalogue/admin/catalogue-admin.ts';
import { CATALOGUE_ADMIN_ROUTES } from './catalogue/admin/catalogue-admin-routes.ts';
import type { CalendarRecount } from './supervision/calendar-recount.ts';
import { CALENDAR_RECOUNT_ROUTES } from './supervision/calendar-recount-routes.ts';

/** Everything a handler of the table may use; each row's handler declares the part it needs. */
export type ApiDeps = HealthDeps &
  CaseRouteDeps &
  DeadLetterDeps &
  RoutingRouteDeps &
  EvaluationRouteDeps &
  RectificationRouteDeps &
  ClientListingDeps & {
    board: SupervisionBoard;
    callbacks: CallbackQueue;
    audit: AuditLog;
    auditVerifier: AuditVerifier;
    catalogueAdmin: CatalogueAdmin;
    calendarRecount: CalendarRecount;
    registry: SchemaRegistry;
    divisions: DivisionTable;
    metrics: GatewayMetrics;
    docs: DocsPages;
  };

export const API_ROUTES: readonly ApiRoute<ApiDeps>[] = [
  ...HEALTH_ROUTES,
  ...METRICS_ROUTES,
  ...DOCS_ROUTES,
  ...CASE_ROUTES,
  ...EVALUATION_ROUTES,
  ...RECTIFICATION_ROUTES,
  ...SUPERVISION_ROUTES,
  ...CATALOGUE_ROUTES,
  ...ROUTING_ROUTES,
  ...DIVISION_ROUTES,
  ...ADMIN_ROUTES,
  ...FAILED_CALLBACK_ROUTES,
  ...CLIENT_ROUTES,
  ...DATA_KEY_ROUTES,
  ...AUDIT_ROUTES,
  ...CATALOGUE_ADMIN_ROUTES,
  ...CALENDAR_RECOUNT_ROUTES,
];

/** Which rows a gateway serves: /metrics and the docs can be switched off. */
export function servedRoutes(settings: {
  metricsEnabled: boolean;
  docsEnabled: boolean;
}): readonly ApiRoute<ApiDeps>[] {
  return API_ROUTES.filter(
    (route) =>
      (settings.metricsEnabled || !(METRICS_ROUTES as readonly unknown[]).includes(route)) &&
      (settings.docsEnabled || !(DOCS_ROUTES as readonly unknown[]).includes(route)),
  );
}
