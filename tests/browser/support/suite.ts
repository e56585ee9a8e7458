/**
 * One browser test file's fixture: the console's stack (the local runtime
 * with the demo data, the built console) and a headless Chromium, started
 * once for the file; one page at a time, closed after each test; and the
 * page checks the file collected, so its last test can prove it looked at
 * every page it meant to, in both languages at both widths.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { expectCleanPages, launchChromium, openPage, type PageCheck, type WatchedPage } from './browser.ts';
import { demoOwner, startConsoleStack, type ConsoleStack } from './server.ts';

export interface ConsoleSuite {
  readonly stack: ConsoleStack;
  readonly browser: Browser;
  /** A fresh page (the previous one closed), not yet navigated; closed after the test. */
  open(): Promise<WatchedPage>;
  /** The demo person `sub` (local/demo.ts): their name on the sign-in page and the ids they own. */
  ownerOf(sub: string): ReturnType<typeof demoOwner>;
  /** Checks pages captured by captureEverywhere (no console error, no serious axe finding, no overflow) and keeps them for `expectCaptured`. */
  expectCleanPages(list: PageCheck[]): void;
  /** Every page named was captured, each in both languages at both widths, and nothing else. */
  expectCaptured(names: readonly string[]): void;
}

export function useConsoleSuite(): ConsoleSuite {
  let stack: ConsoleStack | undefined;
  let browser: Browser | undefined;
  let current: WatchedPage | undefined;
  const checks: PageCheck[] = [];
  const started = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`${what} is used before beforeAll started it`);
    return x;
  };

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(), launchChromium()]);
    // The demo's needs have had their matcher rounds: the review queue has proposals, waiting needs their reasons.
    await stack.runtime.bus.idle();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  return {
    get stack() {
      return started(stack, 'the console stack');
    },
    get browser() {
      return started(browser, 'the browser');
    },
    async open() {
      await current?.close();
      current = await openPage(started(browser, 'the browser'));
      return current;
    },
    ownerOf: (sub) => demoOwner(started(stack, 'the console stack'), sub),
    expectCleanPages: (list) => expectCleanPages(list, checks),
    expectCaptured(names) {
      const pages = new Set(checks.map((c) => c.name));
      expect(pages).toEqual(new Set(names));
      expect(checks).toHaveLength(pages.size * 4);
    },
  };
}
