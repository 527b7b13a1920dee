import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Db } from '@kindling/db';
import type { EgressOptions } from '@kindling/egress';
import type { SendingSettings } from './modules/sending-settings.js';
import type { EventsDrainSettings } from './modules/events-drain.js';
import type { SubmissionsDrainSettings } from './modules/submissions-drain.js';
import type { DrainPolicy } from './stream-consumer.js';
import type { CsvImportSettings } from './modules/csv-import/index.js';

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
  /** drip.step jobs run at once (a burst of due steps is latency-bound, not CPU-bound); default `concurrency`. */
  dripConcurrency?: number;
  /** email.send jobs run at once (latency-bound: SMTP answers, claim/result batches); default `concurrency`. */
  sendConcurrency?: number;
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
