import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium by default; CI on other systems points CHROMIUM_PATH at the browser it has. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Headless Chromium driven by playwright-core, which never downloads a browser of its own. The flags
 * keep the browser from phoning home: a test's traffic stays on this machine.
 */
export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    throw new Error(
      `cannot start Chromium at ${chromiumPath} (install Debian's chromium package, or set CHROMIUM_PATH): ${(error as Error).message}`,
      { cause: error },
    );
  }
}
