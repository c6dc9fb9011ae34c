// `npm run start:portal`: the reference taxpayer portal alone, against a gateway already running
// at PORTAL_GATEWAY_URL (README.md#the-taxpayer-portal). `npm start` runs it with everything else.
// Node's module compile cache is turned on first (gateway/shared/compile-cache.ts): every other
// module is imported after that line.
import { enableModuleCompileCache } from '../../gateway/shared/compile-cache.ts';

enableModuleCompileCache();
const { loadPortalConfig } = await import('./portal-config.ts');
const { startPortal } = await import('./portal-process.ts');
const { stopSignal } = await import('../../gateway/shared/stop-signals.ts');
const { exitAfterOutput } = await import('../../gateway/shared/exit-after-output.ts');

async function main(): Promise<number> {
  let config;
  try {
    config = loadPortalConfig(process.env);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  let portal;
  try {
    portal = await startPortal({ config, warn: (m) => console.warn(m) });
  } catch (error) {
    console.error(`taxpayer portal not started: ${(error as Error).message}`);
    return 1;
  }
  console.log(`taxpayer portal on ${portal.url} (gateway ${config.gatewayUrl}) — Ctrl-C stops`);
  await stopSignal();
  await portal.stop();
  return 0;
}

await exitAfterOutput(await main());
