/** CDK entry point (cdk.json: `npx tsx infra/app.ts`). Stage from `-c stage=dev|prod`. */
import { App } from 'aws-cdk-lib';
import { buildSystem } from './system.ts';

buildSystem(new App());
