import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_SOURCE, makeEvent, type AppEvent } from '#events/contracts.ts';
import { toEnvelope } from '#events/envelope.ts';
import { EventBridgePublisher } from '#functions/adapters/eventbridge.ts';
import { APP_EVENT_SOURCE, forwardToMarketQueue } from '#functions/adapters/market-trigger.ts';

const eb = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
afterEach(() => {
  eb.reset();
  sqs.reset();
});

const noSleep = async () => undefined;
const events = (n: number): AppEvent[] =>
  Array.from({ length: n }, (_, i) =>
    makeEvent('NeedPosted', `nd_${String(i).padStart(12, '0')}`, 1, {
      needId: `nd_${String(i).padStart(12, '0')}`,
      smeId: 'sm_0000000000',
      serviceType: 'energy-audit',
      occurredAt: '2026-12-01T08:00:00.000Z',
    }),
  );

describe('EventBridgePublisher', () => {
  it('sends at most ten entries per PutEvents call, to the configured bus', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    await new EventBridgePublisher(new EventBridgeClient({}), 'app-bus', noSleep).publish(events(23));
    const calls = eb.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries!.length)).toEqual([10, 10, 3]);
    expect(calls[0]!.args[0].input.Entries![0]).toMatchObject({ EventBusName: 'app-bus', Source: 'sme.matchmaking', DetailType: 'NeedPosted' });
  });

  it('retries only the entries that failed', async () => {
    eb.on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'c' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const evs = events(3);
    await new EventBridgePublisher(new EventBridgeClient({}), 'app-bus', noSleep).publish(evs);
    const second = eb.commandCalls(PutEventsCommand)[1]!.args[0].input.Entries!;
    expect(second).toHaveLength(1);
    expect(JSON.parse(second[0]!.Detail!).eventId).toBe(evs[1]!.id);
  });

  it('throws when entries still fail after every attempt, so the outbox keeps them', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await expect(new EventBridgePublisher(new EventBridgeClient({}), 'app-bus', noSleep).publish(events(1))).rejects.toThrow(
      /refused 1 event\(s\) after 4 attempts \(InternalFailure\)/,
    );
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(4);
  });

  it('lets an SDK error escape (the caller leaves the events pending)', async () => {
    eb.on(PutEventsCommand).rejects(new Error('network down'));
    await expect(new EventBridgePublisher(new EventBridgeClient({}), 'app-bus', noSleep).publish(events(2))).rejects.toThrow('network down');
  });
});

describe('market trigger', () => {
  it('forwards to the FIFO queue grouped by service type and deduplicated by event id', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    const [e] = events(1);
    await forwardToMarketQueue(new SQSClient({}), 'https://sqs/q.fifo', toEnvelope(e!));
    const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ QueueUrl: 'https://sqs/q.fifo', MessageGroupId: 'energy-audit', MessageDeduplicationId: e!.id });
    expect(JSON.parse(input.MessageBody!).detail.needId).toBe((e!.detail as { needId: string }).needId);
  });

  it('refuses an event that is not one of ours instead of queueing it', async () => {
    const [e] = events(1);
    await expect(forwardToMarketQueue(new SQSClient({}), 'q', { ...toEnvelope(e!), source: 'someone.else' })).rejects.toThrow(/source/);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('checks the source the contracts define (it does not import them, to keep zod out of its cold start)', () => {
    expect(APP_EVENT_SOURCE).toBe(EVENT_SOURCE);
  });

  it('refuses an event that names no market or has no event id, and queues nothing', async () => {
    const [e] = events(1);
    const env = toEnvelope(e!);
    const { serviceType: _market, ...noMarket } = env.detail as Record<string, unknown>;
    await expect(forwardToMarketQueue(new SQSClient({}), 'q', { ...env, detail: noMarket })).rejects.toThrow(/names no market/);
    const { eventId: _id, ...noId } = env.detail as Record<string, unknown>;
    await expect(forwardToMarketQueue(new SQSClient({}), 'q', { ...env, detail: noId })).rejects.toThrow(/no eventId/);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
