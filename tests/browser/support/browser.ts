/**
 * Debian's Chromium driven by playwright-core: never a downloaded browser.
 * Each page records console errors and uncaught exceptions, can be checked
 * with axe-core (injected through the debugging protocol, so the console's
 * strict CSP stays on), and captured in both languages at desktop and
 * phone width.
 */
import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function launchChromium(): Promise<Browser> {
  try {
    await fs.access(CHROMIUM);
  } catch {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH)`);
  }
  // launch() gives every run a fresh temporary profile (user-data-dir) of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  return { page, errors, close: () => context.close() };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical findings on the page as it is now. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
       id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** How far the page is wider than the viewport (0 when nothing overflows sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
}

export interface PageCheck {
  name: string;
  lang: 'zh' | 'en';
  width: number;
  overflow: number;
  violations: AxeViolation[];
}

/** Every capture clean (no horizontal overflow, no serious or critical axe finding), kept in `into` for the run's summary. */
export function expectCleanPages(list: PageCheck[], into: PageCheck[]): void {
  for (const c of list) {
    expect({ page: `${c.name} ${c.lang} ${c.width}`, overflow: c.overflow, violations: c.violations }).toEqual({
      page: `${c.name} ${c.lang} ${c.width}`,
      overflow: 0,
      violations: [],
    });
  }
  into.push(...list);
}

/**
 * The page in zh and en, at desktop and phone width: a full-page screenshot
 * of each, its overflow and its axe findings. Leaves the page in Chinese at
 * desktop width, as it found it. `ready` waits for what must be visible.
 */
export async function captureEverywhere(page: Page, name: string, ready: () => Promise<void>): Promise<PageCheck[]> {
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  const checks: PageCheck[] = [];
  for (const lang of ['zh', 'en'] as const) {
    await page.getByRole('button', { name: lang === 'zh' ? '中文' : 'English', exact: true }).click();
    // A locator, not waitForFunction: that one evaluates strings in the page, which the console's CSP forbids.
    await page.locator(`html[lang="${lang === 'zh' ? 'zh-CN' : 'en-GB'}"]`).waitFor({ state: 'attached' });
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      await ready();
      // Two frames: charts redraw on resize (ResizeObserver), then paint.
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${lang}-${size.width}.png`), fullPage: true });
      checks.push({ name, lang, width: size.width, overflow: await horizontalOverflow(page), violations: await seriousA11yViolations(page) });
    }
  }
  await page.getByRole('button', { name: '中文', exact: true }).click();
  await page.setViewportSize(DESKTOP);
  return checks;
}
