// Without Chromium the browser tests fail, saying what to install (README.md#browser-tests): a
// machine that cannot run them must not pass them by skipping.
import { describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.ts';

describe('the browser tests on a machine without Chromium', () => {
  it('fail with how to install it', async () => {
    await expect(launchBrowser('/nonexistent/chromium')).rejects.toThrow(
      /no[ne]* at \/nonexistent\/chromium.*apt-get install -y chromium fonts-wqy-microhei/s,
    );
  });
});
