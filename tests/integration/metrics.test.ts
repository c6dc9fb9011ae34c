// GET /metrics (gateway/README.md#operations-endpoints) on a real app: Prometheus text with process metrics, request
// durations labelled by the route PATTERN (ids never become label values), and the submitted-cases
// counter. Each app has its own registry, so two apps in one process never share series.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_ROUTES } from '../../gateway/catalogue/catalogue-routes.ts';
import { routeRouter } from '../../gateway/http/mount-routes.ts';
import {
  createMetrics,
  METRICS_ROUTES,
  type GatewayMetrics,
} from '../../gateway/metrics/metrics.ts';
import { waitFor } from '../support/redis.ts';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';
import { catalogueRegistry } from '../unit/openapi/support.ts';

let gw: TestGateway;
let metrics: GatewayMetrics;
beforeAll(async () => {
  metrics = createMetrics();
  // The catalogue rows without the signature check: only their route patterns matter here.
  gw = await startTestGateway({
    observe: metrics.observeRequests,
    publicRouters: [routeRouter(METRICS_ROUTES, { metrics })],
    routers: [routeRouter(CATALOGUE_ROUTES, { registry: catalogueRegistry() })],
  });
});
afterAll(async () => {
  await gw?.close();
});

const scrape = async () => {
  const res = await fetch(`${gw.url}/metrics`);
  return { res, text: await res.text() };
};

describe('metrics', () => {
  it('answers Prometheus text format 0.0.4 with the process metrics', async () => {
    const { res, text } = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(
      /^text\/plain; version=0\.0\.4; charset=utf-8$/,
    );
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('times requests by route pattern, never by raw path', async () => {
    expect((await fetch(`${gw.url}/v1/catalogue/items/SW-005`)).status).toBe(200);
    expect((await fetch(`${gw.url}/no/such/path/raw-path-zqx`)).status).toBe(404);
    const text = await waitFor(async () => {
      const { text } = await scrape();
      return text.includes('status="404"') ? text : undefined;
    });
    expect(text).toContain('# TYPE gw_http_request_duration_seconds histogram');
    expect(text).toMatch(
      /gw_http_request_duration_seconds_count\{method="GET",route="\/v1\/catalogue\/items\/:code",status="200"\} 1\n/,
    );
    expect(text).toMatch(
      /gw_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1\n/,
    );
    expect(text).not.toContain('SW-005');
    expect(text).not.toContain('raw-path-zqx');
  });

  it('counts submitted cases by item and adapter, in this app only', async () => {
    metrics.caseSubmitted('SW-005', 'yn');
    metrics.caseSubmitted('SW-005', 'yn');
    metrics.caseSubmitted('GJ-001', 'sc-chengdu');
    const other = createMetrics({ defaultMetrics: false });
    const { text } = await scrape();
    expect(text).toContain('gw_cases_submitted_total{item="SW-005",adapter="yn"} 2');
    expect(text).toContain('gw_cases_submitted_total{item="GJ-001",adapter="sc-chengdu"} 1');
    expect(await other.registry.metrics()).not.toContain('item="SW-005"');
  });
});
