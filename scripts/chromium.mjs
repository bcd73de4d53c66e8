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

let warned = false;

/**
 * Launch options for playwright-core's `chromium.launch()`. Without a Chromium the result has no
 * `executablePath`: test configs then leave the browser project out with a warning, except in CI
 * (`CI=true`), where a missing browser is an error rather than a silently skipped suite.
 */
export function chromiumLaunchOptions() {
  const executablePath =
    process.env.CHROMIUM_PATH ??
    ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (executablePath) return { executablePath, args: CHROMIUM_ARGS };
  const hint =
    'No Chromium found: install it (Debian: `apt-get install chromium`) or set CHROMIUM_PATH.';
  if (process.env.CI === 'true') throw new Error(`${hint} Browser tests are required in CI.`);
  if (!warned) {
    warned = true;
    console.warn(`\n⚠ ${hint} Browser tests are NOT run.\n`);
  }
  return { args: CHROMIUM_ARGS };
}
