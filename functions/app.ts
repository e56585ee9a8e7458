/**
 * Every Lambda handler of the platform in one object, built from one set of
 * ports: for the local runtime and the tests, which run all functions in one
 * process. Each AWS entry (functions/handlers/*.ts) builds only its own
 * handler from the same per-function factories, so its bundle carries only
 * its own routes, use cases and clients; none of them imports this module.
 */
import type { AppPorts, HttpHandler, JobHandler, MatcherHandler, NotifierHandler } from './ports.ts';
import type { HttpGroup } from './http/routes.ts';
import { analyticsHttp } from './http/groups/analytics.ts';
import { vouchersHttp } from './http/groups/vouchers.ts';
import { inboxHttp } from './http/groups/inbox.ts';
import { matchesHttp } from './http/groups/matches.ts';
import { providersHttp } from './http/groups/providers.ts';
import { publicHttp } from './http/groups/public.ts';
import { smesHttp } from './http/groups/smes.ts';
import { registersHttp } from './http/groups/registers.ts';
import { importerHandler } from './usecases/imports.ts';
import { kpiHandler } from './usecases/kpis.ts';
import { voucherLedgerHandler } from './usecases/vouchers.ts';
import { lapseHandler } from './usecases/provider-standing.ts';
import { matcherHandler } from './usecases/consumers.ts';
import { notifierHandler } from './usecases/inbox.ts';
import { expiryHandler, rebalanceHandler, relayHandler } from './usecases/jobs.ts';

export interface AppHandlers {
  /** One handler per route group (Lambda), each serving the routes routes.ts gives it. */
  http: Record<HttpGroup, HttpHandler>;
  /** SQS FIFO consumer: one market round per message group; partial batch responses. */
  matcher: MatcherHandler;
  /** EventBridge consumer: writes each party's inbox. */
  notifier: NotifierHandler;
  /** Scheduled: publishes whatever the outbox still holds. */
  relay: JobHandler;
  /** Scheduled: requests a round for markets whose needs wait too long. */
  rebalance: JobHandler;
  /** Scheduled: expires needs past their deadline and open matches past their time; settles stranded proposals. */
  expiry: JobHandler;
  /** EventBridge consumer: processes register imports chunk by chunk. */
  importer: NotifierHandler;
  /** Scheduled daily: records lapsed provider designations. */
  lapse: JobHandler;
  /** EventBridge consumer: voucher holds, redemptions and releases. */
  voucherLedger: NotifierHandler;
  /** EventBridge consumer: the plan's KPI counters. */
  kpi: NotifierHandler;
  /** EventBridge consumer: refreshes the summaries on a changed profile's live matches. */
}

export function buildHandlers(ports: AppPorts): AppHandlers {
  return {
    http: {
      public: publicHttp(ports.logger),
      providers: providersHttp(ports),
      smes: smesHttp(ports),
      matches: matchesHttp(ports),
      inbox: inboxHttp(ports),
      analytics: analyticsHttp(ports),
      vouchers: vouchersHttp(ports),
      registers: registersHttp(ports),
    },
    matcher: matcherHandler(ports),
    notifier: notifierHandler(ports),
    relay: relayHandler(ports),
    rebalance: rebalanceHandler(ports),
    expiry: expiryHandler(ports),
    importer: importerHandler(ports),
    lapse: lapseHandler(ports),
    voucherLedger: voucherLedgerHandler(ports),
    kpi: kpiHandler(ports),
  };
}
