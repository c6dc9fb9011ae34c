// Whether the province has yet to take a case, as its page tells the taxpayer (README.md#the-taxpayer-portal,
// "a case the province has not taken"). The gateway's case read carries no delivery attempts: while its
// worker retries a province that is down the case stays ROUTED, and once the retries are spent it is
// DELIVERY_FAILED (README.md#adapters-queues-and-sandboxes). So "slow" and "stuck" are told apart by time:
// a delivery takes seconds, and a case ROUTED for longer than the portal's notice time is waiting on its
// province. The page is told how long until that notice, by the server's clock (not the browser's).
import type { GatewayCase } from './gateway-link.ts';

export interface DeliveryWait {
  /** `waiting`: still ROUTED; `failed`: DELIVERY_FAILED (refused, or retries spent). */
  readonly state: 'waiting' | 'failed';
  /** The adapter of the province's platform (yn), when the route names one. */
  readonly adapter: string | null;
  /** Ms from this read until the page says the province has not taken it yet (0: say it now). */
  readonly noticeInMs: number;
}

export function deliveryWait(
  view: Pick<GatewayCase, 'status' | 'history' | 'route'>,
  noticeAfterMs: number,
  now: number = Date.now(),
): DeliveryWait | null {
  const adapter = typeof view.route?.adapter === 'string' ? view.route.adapter : null;
  if (view.status === 'DELIVERY_FAILED') return { state: 'failed', adapter, noticeInMs: 0 };
  if (view.status !== 'ROUTED') return null;
  const routed = [...view.history].reverse().find((h) => h.status === 'ROUTED');
  const since = routed ? Date.parse(routed.at) : now;
  return { state: 'waiting', adapter, noticeInMs: Math.max(0, since + noticeAfterMs - now) };
}
