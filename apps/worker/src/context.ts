import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Db } from '@kindling/db';
import type { EgressOptions } from '@kindling/egress';
import type { SendingSettings } from './modules/sending-settings.js';
import type { SignalRules } from './events-signals.js';
import type { DrainPolicy } from './stream-consumer.js';

// What a worker module gets and returns, and the settings shapes of the modules. Modules import
// this file; it imports no module (only the settings files they share), so there is no circle.

/** Where an SMTP server of this process listens. */
export interface SmtpAddress {
  host: string;
  port: number;
}

/** What every worker module gets: connections, logger, metrics and settings. */
export interface WorkerContext {
  db: Db;
  /** BullMQ connection (maxRetriesPerRequest: null). */
  redis: Redis;
  logger: Logger;
  registry: Registry;
  /** BullMQ key prefix; tests give each run its own. */
  prefix: string;
  concurrency: number;
  config: WorkerConfig;
  /** Counts finished jobs and logs failures for a BullMQ worker. */
  observe: (worker: Worker) => void;
  /**
   * The dev mail catcher of this process (started by `startWorker` before any module): where
   * mail of an identity without an SMTP relay goes.
   */
  devCatcher: SmtpAddress;
}

/** Settings of the events drain (modules/events-drain.ts); every one has a default. */
export interface EventsDrainSettings {
  stream: string;
  group: string;
  /** Entries per batch (one INSERT each). */
  batchSize: number;
  /** How long one XREADGROUP waits for new entries. */
  blockMs: number;
  /** Pending entries idle this long belong to a dead consumer and are taken over. */
  claimIdleMs: number;
  rules: SignalRules;
}

/** Settings of the form submissions drain (modules/submissions-drain.ts); every one has a default. */
export interface SubmissionsDrainSettings {
  stream: string;
  group: string;
  /** Entries per batch. */
  batchSize: number;
  blockMs: number;
  /** Pending entries idle this long belong to a dead consumer and are taken over. */
  claimIdleMs: number;
}

/** Settings of the CSV import module (modules/csv-import); every one has a default. */
export interface CsvImportSettings {
  /** node-postgres URL for the import's COPY; none = the module stays off. */
  databaseUrl: string | null;
  /** Rows per committed batch. */
  batchRows: number;
  /** Heartbeat and sweep interval (ms); a worker silent for DEAD_AFTER of them is dead. */
  heartbeatMs: number;
  /** Imports run at once by this process (each holds two connections and a CPU share). */
  concurrency: number;
}

/** Settings of the webhooks module (modules/webhooks.ts); every one has a default. */
export interface WebhookSettings {
  /** How often the dispatcher looks for new outbox events (ms). */
  pollMs: number;
  /** How often pending deliveries without a job are re-enqueued (ms), and how overdue they must be. */
  repairMs: number;
  repairGraceMs: number;
  /** Wait before each retry (WEBHOOK_RETRY_SCHEDULE_MS by default). */
  retryScheduleMs: number[];
  /** One attempt's bound: connect, send and answer (ms). */
  timeoutMs: number;
  /** Attempts in flight per endpoint, across every worker process. */
  endpointConcurrency: number;
  /** Attempts in flight in this process. */
  concurrency: number;
  /** An endpoint is turned off once it failed this many attempts in a row for this long. */
  disableAfterFailures: number;
  disableAfterMs: number;
  /** BullMQ lock of a running attempt: a dead worker's attempt runs again after about this long. */
  lockMs: number;
}

/** Settings from the environment that modules need; optional ones have safe defaults. */
export interface WorkerConfig {
  appSecret: string;
  publicUrl: string;
  trackingUrl: string;
  /** Sending modules' overrides (catcher and inbound ports, throttles, ...); defaults otherwise. */
  sending?: Partial<SendingSettings>;
  /** Outgoing-connection guard for tenants' relays (EGRESS_ALLOW, the product's ports); none = nothing internal allowed. */
  egress?: EgressOptions;
  /** Events drain overrides (stream key, batch size, claim idle time); defaults otherwise. */
  events?: Partial<EventsDrainSettings>;
  /** Form submissions drain overrides (stream key, batch size, claim idle time); defaults otherwise. */
  submissions?: Partial<SubmissionsDrainSettings>;
  /** Both stream drains: attempts before a dead letter, retry pause, stall period. */
  drains?: Partial<DrainPolicy>;
  /** CSV import module: its COPY connection URL, batch size, heartbeat; without a URL it is off. */
  imports?: Partial<CsvImportSettings>;
  /** Webhooks module overrides (retry schedule, timeout, concurrency, auto-disable); defaults otherwise. */
  webhooks?: Partial<WebhookSettings>;
  /** drip.step jobs run at once (a burst of due steps is latency-bound, not CPU-bound); default `concurrency`. */
  dripConcurrency?: number;
  /** email.send jobs run at once (latency-bound: SMTP answers, claim/result batches); default `concurrency`. */
  sendConcurrency?: number;
  /** Postgres for email.send's own connection pool (its per-message statements without the ORM); none = through `db`. */
  databaseUrl?: string;
}

/** Something a module started and that must be closed on shutdown. */
export interface Closable {
  close: () => Promise<void>;
}

/**
 * A worker module starts its BullMQ consumers, schedulers or listeners and returns what to close.
 * Workers are closed before queues and other resources: order the returned list accordingly.
 */
export type WorkerModule = (ctx: WorkerContext) => Promise<Closable[]>;
