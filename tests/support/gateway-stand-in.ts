// A stand-in in front of a real gateway, for the portal's tests of what it does with the gateway's
// refusals (README.md#the-taxpayer-portal): it passes every request on to the gateway untouched
// (the signature covers no host, so it still verifies) unless a refusal is set for the request's
// method and path, which it then answers itself — a 503 with a Retry-After of 1 s, a 401, a 500 —
// as the gateway would, so a test need not stop the gateway's Redis or wait for real seconds.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Refusal {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: Record<string, unknown>;
}

export interface GatewayStandIn {
  readonly url: string;
  /** From now on, answer requests `method` `path` (a RegExp on the path) with this; null: pass on. */
  refuse(method: string, path: RegExp, refusal: Refusal | null): void;
  /** How many requests matching were refused so far. */
  refused(method: string, path: RegExp): number;
  close(): Promise<void>;
}

export async function startGatewayStandIn(gatewayUrl: string): Promise<GatewayStandIn> {
  const target = new URL(gatewayUrl);
  const rules: { method: string; path: RegExp; refusal: Refusal; count: number }[] = [];
  const server: Server = createServer((req, res) => {
    const rule = rules.find((r) => r.method === req.method && r.path.test(req.url ?? ''));
    if (rule) {
      rule.count += 1;
      req.resume();
      res.writeHead(rule.refusal.status, {
        'Content-Type': 'application/problem+json',
        ...rule.refusal.headers,
      });
      res.end(JSON.stringify(rule.refusal.body));
      return;
    }
    const onward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    onward.on('error', () => res.destroy());
    req.pipe(onward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const find = (method: string, path: RegExp) =>
    rules.findIndex((r) => r.method === method && r.path.source === path.source);
  return {
    url: `http://127.0.0.1:${port}`,
    refuse(method, path, refusal) {
      const at = find(method, path);
      if (at >= 0) rules.splice(at, 1);
      if (refusal) rules.push({ method, path, refusal, count: 0 });
    },
    refused: (method, path) => rules[find(method, path)]?.count ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
