/**
 * Stands in for `@smithy/core/event-streams` in the bundles (aliased in
 * infra/constructs/app-function.ts, BUNDLING.alias). The SDK's HTTP protocol
 * imports that module on demand, only for operations that stream events
 * (Bedrock, Transcribe, S3 Select...). None of the operations this platform
 * calls (DynamoDB, EventBridge, SQS, SES) does, and the module is ~19 KB of
 * every bundle. Should one ever be called, it fails loudly here instead of
 * misbehaving.
 */
const unbundled = (): never => {
  throw new Error('event streams are not bundled in this function (functions/adapters/no-event-streams.ts)');
};

export const eventStreamSerdeProvider = unbundled;
export class EventStreamSerde {
  constructor() {
    unbundled();
  }
}
