import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The browser suite drives Chromium and has its own command (npm run test:browser).
    exclude: ['tests/soak/**', 'tests/browser/**', 'node_modules/**'],
    globalSetup: ['tests/setup/global.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here: two workers keep dynalite responsive.
    maxWorkers: 2,
  },
});
