// A test file's whole system with the taxpayer portal (tests/e2e/support/system.ts, the portal on
// port 0 in test mode) and its own Chromium, started in its beforeAll and stopped in its afterAll:
// the taxpayer-portal files differ only in their label, device and settings.
import type { BrowserContextOptions } from 'playwright-core';
import { startE2eSystem, type E2eSystem } from '../../e2e/support/system.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';

export interface PortalSystem {
  browser: TestBrowser;
  sys: E2eSystem;
  /** The portal's base url. */
  portal: string;
}

export interface PortalSystemOptions {
  /** The browser's device (launchBrowser's default: a desktop viewport). */
  device?: BrowserContextOptions;
  /** The gateway's and workers' settings. */
  env?: Record<string, string>;
  /** The portal's settings beyond its port and mode. */
  portalEnv?: Record<string, string>;
}

export async function startPortalSystem(
  label: string,
  { device, env = {}, portalEnv = {} }: PortalSystemOptions = {},
): Promise<PortalSystem> {
  // Side by side: Chromium's launch (1–2 s) and the system's start each mostly wait, and one after
  // the other cost every portal file the launch. A machine without Chromium still fails the file
  // saying what to install, once the system has started and is stopped again: nothing is left.
  const [launched, started] = await Promise.allSettled([
    launchBrowser(undefined, device),
    startE2eSystem(label, env, {
      portalEnv: { PORTAL_PORT: '0', PORTAL_ENV: 'test', ...portalEnv },
    }),
  ]);
  if (launched.status === 'rejected' || started.status === 'rejected') {
    await stopPortalSystem({
      ...(launched.status === 'fulfilled' ? { browser: launched.value } : {}),
      ...(started.status === 'fulfilled' ? { sys: started.value } : {}),
    });
    throw launched.status === 'rejected'
      ? launched.reason
      : (started as PromiseRejectedResult).reason;
  }
  const sys = started.value;
  return { browser: launched.value, sys, portal: sys.portal!.url };
}

/** Closes what startPortalSystem started (either may be missing when its start failed). */
export async function stopPortalSystem(system: Partial<PortalSystem>): Promise<void> {
  await system.browser?.close();
  await system.sys?.stop();
}
