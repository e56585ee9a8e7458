/**
 * vitest global setup: one dynalite (in memory) on a free loopback port for
 * the whole run; each test file makes its own table in it (tests/support/db.ts).
 */
import type { TestProject } from 'vitest/node';
import { startDynalite } from '#local/dynamo.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const db = await startDynalite();
  project.provide('dynamoEndpoint', db.endpoint);
  return async () => {
    await db.close();
  };
}
