// UI end-to-end check of the installed .vsix in code-server through headless Debian Chromium (playwright-core):
// the status bar, the Problems panel's CO-RE error, a hover's per-target offsets, the relocation report; screenshots.
// Usage: node drive-ui.mjs <workbench-url> <file-in-workspace> <artifact-dir>     (exit 0 pass, 1 fail)
import { chromium } from 'playwright-core';
import fs from 'fs';
import os from 'os';
import path from 'path';

const [,, url, file, out] = process.argv;
const t0 = Date.now();
const T = (m) => console.log(`[ui ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const udd = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-chrome-'));
const browser = await chromium.launchPersistentContext(udd, {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1500, height: 950 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
const page = browser.pages()[0] ?? await browser.newPage();
const shot = async (name) => { await page.screenshot({ path: path.join(out, name) }); T(`screenshot ${path.join(out, name)}`); };
let ok = true;
try {
  await page.goto(url);
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
  T('workbench ready');
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first().click();
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
  T('editor open');

  // Status bar: both targets of corelens.json loaded.
  const status = page.locator('[id="corelens.corelens.corelens.status"], .statusbar-item', { hasText: 'CO-RE 2/2 targets' }).first();
  await status.waitFor({ timeout: 60_000 });
  T(`status bar: ${(await status.innerText()).trim()}`);

  // Problems panel: the CO-RE error from the server.
  await page.keyboard.press('Control+Shift+M');
  const diag = page.locator('.markers-panel .monaco-list-row', { hasText: 'task_struct::state' }).first();
  await diag.waitFor({ timeout: 60_000 });
  T(`problem: ${(await diag.innerText()).replace(/\n/g, ' | ')}`);
  await shot('problems.png');

  // Clicking the problem reveals its line (the program body) in the editor.
  await diag.click();
  await page.waitForTimeout(300);

  // Hover the `pid` field of BPF_CORE_READ(prev, pid): per-target offsets.
  const box = await page.evaluate(() => {
    const txt = (n) => n.textContent.replace(/\u00a0/g, ' '); // Monaco renders spaces as NBSP
    const line = [...document.querySelectorAll('.monaco-editor .view-line')].find((l) => txt(l).includes('BPF_CORE_READ(prev, pid'));
    if (!line) return null;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    let seen = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      // (inlay hints such as `@2416` follow the field in the DOM, hence no closing parenthesis in the needle)
      const at = (seen + txt(n)).indexOf('prev, pid');
      if (at >= 0 && at + 7 < seen.length + n.textContent.length && at + 7 >= seen.length) {
        const r = document.createRange();
        r.setStart(n, at + 7 - seen.length);
        r.setEnd(n, at + 8 - seen.length);
        const b = r.getBoundingClientRect();
        return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      }
      seen += txt(n);
    }
    return null;
  });
  if (!box) throw new Error('no `BPF_CORE_READ(prev, pid` line visible in the editor');
  await page.mouse.move(box.x, box.y);
  const hover = page.locator('.monaco-hover-content', { hasText: '6.18-amd64' }).first();
  await hover.waitFor({ timeout: 30_000 });
  const text = await hover.innerText();
  T(`hover: ${text.replace(/\n/g, ' | ').slice(0, 300)}`);
  if (!/2416/.test(text) || !/1264/.test(text)) throw new Error(`hover lacks the per-target offsets 2416 / 1264: ${text}`);
  await page.waitForTimeout(600); // the hover fades in: let it finish before the screenshot
  await shot('hover.png');
  await page.mouse.move(5, 5);

  // Command palette → CO-RE: Relocate (builds with clang first); the report opens beside the editor.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+M'); // hide the Problems panel and the sidebar: the report gets the room
  await page.keyboard.press('Control+B');
  await page.keyboard.press('F1');
  await page.keyboard.type('CO-RE: Relocate');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Relocate Against Every Target' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  const tab = page.locator('.tabs-container .tab', { hasText: 'CO-RE: probe.bpf.o' }).first();
  await tab.waitFor({ timeout: 60_000 });
  // The webview renders in nested iframes: wait for its table rather than a fixed delay.
  const frame = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  await frame.locator('td.fail').first().waitFor({ timeout: 30_000 });
  T(`relocation report: ${await frame.locator('tr').count()} rows, ${await frame.locator('td.fail').count()} failing cells`);
  await shot('relocate.png');
} catch (e) {
  ok = false;
  console.error(`FAIL ${e.message}`);
  await shot('failure.png').catch(() => undefined);
}
await browser.close();
fs.rmSync(udd, { recursive: true, force: true });
T(ok ? 'PASS' : 'FAIL');
process.exit(ok ? 0 : 1);
