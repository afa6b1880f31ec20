// Opens a workbench URL whose payload names extensionTestsPath in headless Chromium and waits until the workbench
// calls window.codeAutomationExit(code) (the hook @vscode/test-web uses); exits with that code (124 on timeout).
// Usage: node open-until-exit.mjs <url> [timeoutSec]
import { chromium } from 'playwright-core';
import { format } from 'util';

const [,, url, tmo = '120'] = process.argv;
// Workbench start-up chatter and the offline gallery error, which are not test output.
const CHATTER = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[Service Worker\]|ChatSessionStore|getaddrinfo ENOTFOUND)/;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
const page = await browser.newPage();
const t0 = Date.now();
const exited = new Promise((resolve) => {
  void page.exposeFunction('codeAutomationLog', (type, args) => {
    const m = format(...args);
    if (process.env.VERBOSE === '1' || !CHATTER.test(m)) console.log(m);
  });
  void page.exposeFunction('codeAutomationExit', (code) => resolve(code));
});
await page.goto(url);
const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), Number(tmo) * 1000))]);
await browser.close();
console.log(code === null ? 'TIMEOUT' : `extension tests exit code ${code} after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
process.exit(code === null ? 124 : code);
