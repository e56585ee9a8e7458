/**
 * The local stand-in for the EventBridge schedules: each job (relay,
 * rebalance, expiry) runs on its own timer, never overlapping with itself
 * (the next run is timed from the end of the previous one when a run takes
 * longer than the interval), with an EventBridge "Scheduled Event" as input.
 * A failing run is logged and the schedule goes on, as a scheduled Lambda's
 * failure does not stop its rule.
 */
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { JobResult } from '#functions/ports.ts';
import type { FunctionName } from '#functions/handlers/manifest.ts';
import { lambdaContext, scheduledEvent } from './aws-shapes.ts';

export interface Job {
  name: Extract<FunctionName, 'relay' | 'rebalance' | 'expiry' | 'lapse'>;
  /** 0 turns the timer off. */
  intervalMs: number;
  run: (event: unknown, context: Context) => Promise<JobResult>;
}

export interface Scheduler {
  /** Runs a job now (or waits for its current run and then runs it), outside its timer. */
  runNow(name: Job['name']): Promise<void>;
  /** Clears the timers and waits for runs in progress. */
  stop(): Promise<void>;
}

/** Intervals of the deployed schedules. */
export const DEFAULT_INTERVALS = { relay: 2_000, rebalance: 60_000, expiry: 30_000, lapse: 24 * 3_600_000 } as const;

export function startScheduler(jobs: readonly Job[], logger: Pick<Logger, 'info' | 'error' | 'debug'>): Scheduler {
  let stopped = false;
  const states = new Map(
    jobs.map((job) => [job.name, { job, timer: undefined as NodeJS.Timeout | undefined, running: undefined as Promise<void> | undefined }]),
  );

  async function runOnce(name: Job['name']): Promise<void> {
    const s = states.get(name);
    if (!s) throw new Error(`no job named ${name}`);
    // Never two runs of one job at a time: wait for the current one first.
    while (s.running) await s.running;
    const started = performance.now();
    const run = (async () => {
      try {
        const result = await s.job.run(scheduledEvent(name), lambdaContext(name));
        const ms = Math.round(performance.now() - started);
        // Quiet when a run did nothing, so a 2 s relay does not flood the console.
        const didSomething = Object.values(result ?? {}).some((v) => v !== 0);
        if (didSomething) logger.info('job ran', { job: name, ms, ...result });
        else logger.debug('job ran', { job: name, ms });
      } catch (e) {
        logger.error('job failed', { job: name, error: e as Error });
      }
    })();
    s.running = run;
    try {
      await run;
    } finally {
      if (s.running === run) s.running = undefined;
    }
  }

  function arm(name: Job['name'], delay: number): void {
    const s = states.get(name)!;
    // An interval of 0 (or anything not a positive number) means: only runNow runs this job.
    if (stopped || !(s.job.intervalMs > 0 && Number.isFinite(s.job.intervalMs))) return;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      const started = Date.now();
      void runOnce(name).then(() => arm(name, Math.max(0, s.job.intervalMs - (Date.now() - started))));
    }, delay);
  }

  for (const job of jobs) arm(job.name, job.intervalMs);

  return {
    runNow: runOnce,
    async stop() {
      stopped = true;
      for (const s of states.values()) clearTimeout(s.timer);
      await Promise.allSettled([...states.values()].map((s) => s.running));
    },
  };
}
