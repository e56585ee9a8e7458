/**
 * The matcher's consumer, idempotent by construction: the follow-ups check
 * state before acting and a round takes whatever waits. (The notifier's
 * consumer is usecases/inbox.ts: it needs neither the solver nor the bus.)
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ServiceTypeId } from '#domain/catalog.ts';
import type { AppEvent, MatchDetail, NeedDetail, RebalanceDetail } from '#events/contracts.ts';
import { marketOf } from '#events/contracts.ts';
import { fromEnvelope } from '#events/envelope.ts';
import type { AppPorts, MatcherHandler } from '#functions/ports.ts';
import { settleEndedNeed, settleMatch } from './lifecycle.ts';
import { runMarketRound } from './matcher.ts';
import { settleProviderStanding } from './provider-standing.ts';
import { syncSmeNeeds } from './sme-standing.ts';

/** The follow-up an event re-drives before its market's round (see lifecycle.ts). */
async function followUp(ports: AppPorts, e: AppEvent): Promise<void> {
  switch (e.detailType) {
    case 'MatchRejected':
    case 'MatchDeclined':
    case 'MatchExpired':
    case 'MatchCancelled': {
      const m = await ports.store.get('match', (e.detail as MatchDetail).matchId, true);
      if (m) await settleMatch(ports, m);
      return;
    }
    case 'MarketRebalanceRequested': {
      // Re-drives what a change of standing started (sme-standing.ts, provider-standing.ts).
      const { smeId, providerId } = e.detail as RebalanceDetail;
      if (smeId) await syncSmeNeeds(ports, smeId);
      if (providerId) await settleProviderStanding(ports, providerId);
      return;
    }
    case 'NeedWithdrawn':
    case 'NeedExpired': {
      const n = await ports.store.get('need', (e.detail as NeedDetail).needId, true);
      if (n) await settleEndedNeed(ports, n);
      return;
    }
    default:
      return;
  }
}

/**
 * The matcher's SQS FIFO batch: records grouped by market (message group),
 * in order. Each record's follow-up runs first; then ONE round per market
 * covers every record of it (a round takes all waiting needs, so more rounds
 * would find nothing new). FIFO order is kept on failure: a failed record
 * fails every later record of its group, and a failed round fails the group.
 */
export async function handleMarketBatch(ports: AppPorts, event: SQSEvent): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const r of event.Records) {
    const g = r.attributes?.MessageGroupId ?? 'none';
    (groups.get(g) ?? groups.set(g, []).get(g)!).push(r);
  }
  const failures: string[] = [];
  await Promise.all(
    [...groups.values()].map(async (records) => {
      const done: SQSRecord[] = [];
      let market: ServiceTypeId | undefined;
      // Needs that ended: the round looks for a claim an unfinished proposal of theirs left.
      const ended: string[] = [];
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        let e: AppEvent;
        try {
          e = fromEnvelope(JSON.parse(r.body));
        } catch (err) {
          // A malformed message can never succeed: drop it loudly rather than block its market.
          ports.logger.error('dropping malformed matcher message', { messageId: r.messageId, error: (err as Error).message });
          continue;
        }
        try {
          await followUp(ports, e);
          if (e.detailType === 'NeedWithdrawn' || e.detailType === 'NeedExpired') ended.push((e.detail as NeedDetail).needId);
          market = marketOf(e) ?? market;
          done.push(r);
        } catch (err) {
          ports.logger.error('follow-up failed', { messageId: r.messageId, eventId: e.id, error: (err as Error).message });
          failures.push(...records.slice(i).map((x) => x.messageId));
          break;
        }
      }
      if (!market || done.length === 0) return;
      try {
        await runMarketRound(ports, market, ended);
      } catch (err) {
        ports.logger.error('market round failed', { serviceType: market, error: (err as Error).message });
        failures.push(...done.map((x) => x.messageId));
      }
    }),
  );
  return { batchItemFailures: [...new Set(failures)].map((itemIdentifier) => ({ itemIdentifier })) };
}

/** The matcher Lambda's handler. */
export const matcherHandler =
  (ports: AppPorts): MatcherHandler =>
  (event) =>
    handleMarketBatch(ports, event);
