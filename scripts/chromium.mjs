// Where Chromium lives on our machines, and the flags it needs there. Playwright's own browser
// download is not available, so every browser test and benchmark launches the system Chromium.
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launch options for playwright-core's `chromium.launch()`. */
export function chromiumLaunchOptions() {
  const executablePath =
    process.env.CHROMIUM_PATH ??
    ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  // Not throwing here: configs that merely mention the browser project must load without Chromium.
  // Playwright then reports the missing executable when a browser test actually starts.
  return executablePath ? { executablePath, args: CHROMIUM_ARGS } : { args: CHROMIUM_ARGS };
}
