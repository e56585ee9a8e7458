/**
 * vitest global setup: one dynalite (in memory) on a free loopback port for
 * the whole run; each test file makes its own table in it (tests/support/db.ts).
 *
 * Tests keep dynalite in the process that uses it (LOCAL_DYNALITE=inline,
 * local/dynamo.ts), this one and every runtime a test starts, unless the
 * variable is set: `npm start` and the bench run it in a child process,
 * which pays off under load, but a test starts many short-lived runtimes,
 * and a child (~0.5 s of CPU to start) for each made the runtime-heavy
 * files about a quarter slower on two cores (88-97 s inline against
 * 116-129 s with children, same files, alternating runs). The child process
 * itself has its tests (tests/integration/local-dynalite.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { MODE_VARIABLE, startDynalite } from '#local/dynamo.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Set before the workers start: they inherit it, and so do the runtimes they start.
  process.env[MODE_VARIABLE] ??= 'inline';
  // Every temporary directory of the run goes under one root, removed at its
  // end. Some are never removed by whoever made them: CDK puts each app's
  // cloud assembly in a fresh cdk.outXXXXXX (~22 MB with the staged assets
  // of a synthesized system), so each run left ~0.5 GB in the OS temp dir.
  // Workers and the processes they start inherit TMPDIR (os.tmpdir()).
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'vitest-run-'));
  process.env.TMPDIR = tmp;
  const db = await startDynalite();
  project.provide('dynamoEndpoint', db.endpoint);
  return async () => {
    await db.close();
    await rm(tmp, { recursive: true, force: true });
  };
}
