/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). Stage from `-c stage=dev|prod`.
 * Builds the console first (esbuild, offline, ~1 s), so every synth deploys
 * the console of the same commit as the API it calls.
 */
import { App } from 'aws-cdk-lib';
import { buildConsole } from '#web/build.ts';
import { buildSystem } from './system.ts';

const { outDir } = await buildConsole();
buildSystem(new App(), { consoleDir: outDir });
