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
  const browser = await launchBrowser(undefined, device);
  const sys = await startE2eSystem(label, env, {
    portalEnv: { PORTAL_PORT: '0', PORTAL_ENV: 'test', ...portalEnv },
  }).catch(async (error: unknown) => {
    await browser.close();
    throw error;
  });
  return { browser, sys, portal: sys.portal!.url };
}

/** Closes what startPortalSystem started (either may be missing when its start failed). */
export async function stopPortalSystem(system: Partial<PortalSystem>): Promise<void> {
  await system.browser?.close();
  await system.sys?.stop();
}
