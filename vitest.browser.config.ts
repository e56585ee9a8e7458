/**
 * The console's browser tests (npm run test:browser): headless Debian
 * Chromium against the local runtime in process. Their own config: they
 * need Chromium on the machine, start a whole runtime each, and take a few
 * seconds per page, so one file at a time.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
