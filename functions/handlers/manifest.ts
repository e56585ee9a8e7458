/**
 * Every Lambda of the platform: its entry file (exporting `handler`) and what
 * triggers it. The CDK app builds one NodejsFunction per entry; the local
 * runtime wires the same handler factories to its gateway, bus and timers.
 */
import type { HttpGroup } from '#functions/http/routes.ts';

export type NonHttpFunction = 'marketTrigger' | 'matcher' | 'notifier' | 'relay' | 'rebalance' | 'expiry' | 'importer' | 'lapse' | 'voucherLedger' | 'kpi';
export type FunctionName = HttpGroup | NonHttpFunction;

export interface FunctionSpec {
  /** Path from the repository root. */
  entry: string;
  trigger: 'http' | 'eventbridge' | 'sqs-fifo' | 'schedule';
  /** Seconds. The matcher's queue visibility timeout is at least 6x this. */
  timeoutSeconds: number;
  memoryMb: number;
  /** What it touches, so infra grants exactly that. */
  needs: { table: 'read' | 'readwrite' | 'none'; publish: boolean; matcherQueue?: boolean };
}

export const FUNCTIONS: Record<FunctionName, FunctionSpec> = {
  public: { entry: 'functions/handlers/public.ts', trigger: 'http', timeoutSeconds: 5, memoryMb: 256, needs: { table: 'none', publish: false } },
  providers: { entry: 'functions/handlers/providers.ts', trigger: 'http', timeoutSeconds: 10, memoryMb: 512, needs: { table: 'readwrite', publish: true } },
  smes: { entry: 'functions/handlers/smes.ts', trigger: 'http', timeoutSeconds: 10, memoryMb: 512, needs: { table: 'readwrite', publish: true } },
  matches: { entry: 'functions/handlers/matches.ts', trigger: 'http', timeoutSeconds: 10, memoryMb: 512, needs: { table: 'readwrite', publish: true } },
  inbox: { entry: 'functions/handlers/inbox.ts', trigger: 'http', timeoutSeconds: 5, memoryMb: 256, needs: { table: 'readwrite', publish: false } },
  registers: { entry: 'functions/handlers/registers.ts', trigger: 'http', timeoutSeconds: 15, memoryMb: 1024, needs: { table: 'readwrite', publish: true } },
  vouchers: { entry: 'functions/handlers/vouchers.ts', trigger: 'http', timeoutSeconds: 10, memoryMb: 512, needs: { table: 'readwrite', publish: true } },
  analytics: { entry: 'functions/handlers/analytics.ts', trigger: 'http', timeoutSeconds: 15, memoryMb: 512, needs: { table: 'read', publish: false } },
  marketTrigger: { entry: 'functions/handlers/market-trigger.ts', trigger: 'eventbridge', timeoutSeconds: 10, memoryMb: 256, needs: { table: 'none', publish: false, matcherQueue: true } },
  matcher: { entry: 'functions/handlers/matcher.ts', trigger: 'sqs-fifo', timeoutSeconds: 60, memoryMb: 1769, needs: { table: 'readwrite', publish: true } },
  notifier: { entry: 'functions/handlers/notifier.ts', trigger: 'eventbridge', timeoutSeconds: 10, memoryMb: 256, needs: { table: 'readwrite', publish: false } },
  relay: { entry: 'functions/handlers/relay.ts', trigger: 'schedule', timeoutSeconds: 60, memoryMb: 512, needs: { table: 'readwrite', publish: true } },
  rebalance: { entry: 'functions/handlers/rebalance.ts', trigger: 'schedule', timeoutSeconds: 60, memoryMb: 256, needs: { table: 'read', publish: true } },
  expiry: { entry: 'functions/handlers/expiry.ts', trigger: 'schedule', timeoutSeconds: 120, memoryMb: 512, needs: { table: 'readwrite', publish: true } },
  // Register imports: each invocation works through chunks until about a minute is left, then asks for the next (usecases/imports.ts).
  // Voucher holds, redemptions and releases driven by match events (usecases/vouchers.ts).
  voucherLedger: { entry: 'functions/handlers/voucher-ledger.ts', trigger: 'eventbridge', timeoutSeconds: 10, memoryMb: 256, needs: { table: 'readwrite', publish: true } },
  // The plan's KPI counters (usecases/kpis.ts).
  kpi: { entry: 'functions/handlers/kpi.ts', trigger: 'eventbridge', timeoutSeconds: 10, memoryMb: 256, needs: { table: 'readwrite', publish: false } },
  importer: { entry: 'functions/handlers/importer.ts', trigger: 'eventbridge', timeoutSeconds: 300, memoryMb: 1024, needs: { table: 'readwrite', publish: true } },
  // Daily: records lapsed designations (domain/credentials.ts).
  lapse: { entry: 'functions/handlers/lapse.ts', trigger: 'schedule', timeoutSeconds: 120, memoryMb: 256, needs: { table: 'readwrite', publish: true } },
};
