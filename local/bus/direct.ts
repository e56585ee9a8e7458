/**
 * Direct delivery, as an EventBridge rule's Lambda target (an async invoke):
 * the consumer gets the EventBridge event; a throw is retried with backoff,
 * then dead-lettered. Deliveries run concurrently up to a limit, in no
 * particular order, as async invocations do.
 */
import type { AppEvent } from '#events/contracts.ts';
import { eventBridgeEvent, lambdaContext } from '../aws-shapes.ts';
import { errorText, type DeliveryHost, type Unit } from './delivery.ts';

interface DirectJob {
  event: AppEvent;
  unit: Unit;
  attempts: number;
  notBefore: number;
}

export class DirectDelivery {
  private readonly ready: DirectJob[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private active = 0;

  constructor(
    private readonly host: DeliveryHost,
    /** Deliveries at the same time. */
    private readonly maxConcurrent: number,
  ) {}

  /** Queues one delivery, due at `notBefore`; `pump` once everything published together is queued. */
  enqueue(event: AppEvent, unit: Unit, notBefore: number): void {
    this.add({ event, unit, attempts: 0, notBefore });
  }

  /** Starts due deliveries while there are free slots. */
  pump(): void {
    while (this.host.isOpen() && this.active < this.maxConcurrent && this.ready.length > 0) {
      const job = this.ready.shift()!;
      this.active++;
      this.host.track(
        this.deliver(job).finally(() => {
          this.active--;
          this.pump();
        }),
      );
    }
  }

  /** Clears the retry timers; what they held stays in the journal for the next start. */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private add(job: DirectJob): void {
    const wait = job.notBefore - Date.now();
    if (wait > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.ready.push(job);
        this.pump();
      }, wait);
      this.timers.add(t);
      return;
    }
    this.ready.push(job);
  }

  private async deliver(job: DirectJob): Promise<void> {
    job.attempts++;
    try {
      const consumer = job.unit.consumer;
      const handler = consumer === 'matcher' ? undefined : this.host.consumers[consumer];
      if (!handler) throw new Error(`no direct consumer named ${consumer}`);
      await handler(eventBridgeEvent(job.event), lambdaContext(consumer));
      await this.host.settle(job.unit);
    } catch (e) {
      if (job.attempts >= this.host.maxAttempts) {
        await this.host.deadLetter(job.unit, job.event, job.attempts, errorText(e));
      } else {
        this.host.logger.info('bus: will retry', { consumer: job.unit.consumer, eventId: job.event.id, attempts: job.attempts, error: e as Error });
        // Not re-queued once stopping: the journal still holds it for the next start.
        if (this.host.isOpen()) this.add({ ...job, notBefore: Date.now() + this.host.backoff(job.attempts) });
      }
    }
  }
}
