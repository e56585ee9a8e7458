/**
 * The long reliability runs (npm run test:soak): 10,000+ fuzz cases,
 * 10,000+ ledger interleavings, repeated SIGKILLs of the local runtime.
 * Same dynalite global setup as the fast suite; long timeouts, and one
 * file at a time so the runs do not starve each other (two cores).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/soak/**/*.soak.test.ts'],
    globalSetup: ['tests/setup/global.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30 * 60_000,
    hookTimeout: 5 * 60_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
