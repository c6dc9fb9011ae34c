// Starts and stops the reference portal (README.md#the-taxpayer-portal): `npm start` runs it beside
// the gateway, workers and sandboxes (scripts/local-system.ts), `npm run start:portal` alone
// (main.ts), and the browser tests in-process. Stopping also ends the live streams open pages hold.
import type { Server } from 'node:http';
import { createPortalApp } from './portal-app.ts';
import type { PortalConfig } from './portal-config.ts';

export interface PortalOptions {
  readonly config: PortalConfig;
  readonly warn?: (message: string) => void;
}

export interface RunningPortal {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPortal(options: PortalOptions): Promise<RunningPortal> {
  const { config } = options;
  let url = config.publicUrl ?? '';
  const app = createPortalApp({ ...options, publicUrl: () => url });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, (error?: Error) =>
      error ? reject(error) : resolve(s),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Without a public URL (development, tests) the gateway calls back where the portal listens.
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  url ||= `http://${host}:${port}`;
  return {
    port,
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Server-sent event streams never end by themselves.
        server.closeAllConnections();
      }),
  };
}
