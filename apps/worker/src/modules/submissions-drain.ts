// submissions.drain: stores the form submissions the api accepted into the Redis submissions
// stream (apps/api/src/public/submit.ts), in batches: lead upsert + FormSubmission row (one
// statement for a batch of plain submissions, one transaction per double opt-in one, see
// @kindling/leads storeSubmissions, which also enqueues a double opt-in confirmation email once
// its transaction committed), spam stored as spam and never enrolled, then after commit the lead
// is enrolled (enrollByTrigger).
//
// At-least-once with an idempotent sink: each entry carries its FormSubmission id, made by the
// api. Entries are XACKed (and XDELed) only after their rows committed; a batch that may have
// been seen before (a restart, an error, a consumer that died, see ../stream-consumer.ts) skips
// the entries whose id is already stored, and the primary key backs that up. Enrollment is
// idempotent (one enrollment per lead and campaign), so it is simply done again for those.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '@kindling/db';
import { ttlCache } from '@kindling/shared';
import { SUBMISSIONS_STREAM, emailQueue, sendsTo } from '@kindling/queue';
import { enrollByTrigger } from '@kindling/campaigns';
import {
  decodeSubmission,
  storeSubmissions,
  storedSubmissionIds,
  type ConfirmationConfig,
  type StoredSubmission,
  type SubmissionEntry,
} from '@kindling/leads';
import type { SubmissionsDrainSettings, WorkerModule } from '../context.js';
import {
  startStreamConsumer,
  type DrainPolicy,
  type StreamConsumer,
  type StreamEntry,
} from '../stream-consumer.js';
import { drainMonitor } from '../drain-health.js';

export const DEFAULT_SUBMISSIONS_SETTINGS: SubmissionsDrainSettings = {
  stream: SUBMISSIONS_STREAM,
  group: 'kindling-submissions',
  batchSize: 500,
  blockMs: 2_000,
  claimIdleMs: 30_000,
};

export interface SubmissionsDrainDeps {
  db: Db;
  /** Its own connection (blocking reads); closed by the drain. */
  reader: Redis;
  /** For metrics and the email queue; stays the caller's. */
  redis: Redis;
  /** BullMQ prefix of the email queue. */
  prefix: string;
  logger: Logger;
  confirmation: ConfirmationConfig;
  registry?: Registry;
  settings?: Partial<SubmissionsDrainSettings>;
  /** Retry, dead-letter and stall settings (stream-consumer.ts); defaults otherwise. */
  policy?: Partial<DrainPolicy>;
  consumer?: string;
}

export interface SubmissionsDrain {
  close: () => Promise<void>;
  stats: () => { batches: number; entries: number };
  health: StreamConsumer['health'];
}

/** A foreign key violation: the form or workspace was deleted after the visitor was answered. */
function isGone(err: unknown): boolean {
  const text = `${(err as { code?: string }).code ?? ''} ${JSON.stringify((err as { meta?: unknown }).meta ?? '')} ${String((err as Error).message)}`;
  return text.includes('23503') || text.includes('P2003') || /foreign key/i.test(text);
}

/** Starts the drain loop; close() finishes the batch in hand and stops. */
export async function startSubmissionsDrain(deps: SubmissionsDrainDeps): Promise<SubmissionsDrain> {
  const s: SubmissionsDrainSettings = { ...DEFAULT_SUBMISSIONS_SETTINGS, ...deps.settings };
  const { db, logger } = deps;
  const sendConfirmations = sendsTo(emailQueue({ connection: deps.redis, prefix: deps.prefix }));
  const stored = deps.registry
    ? new Counter({
        name: 'kindling_worker_submissions_stored_total',
        help: 'Form submissions written to Postgres by the drain, by kind',
        labelNames: ['kind'] as const,
        registers: [deps.registry],
      })
    : null;
  if (deps.registry) {
    const redis = deps.redis;
    new Gauge({
      name: 'kindling_worker_submissions_backlog',
      help: 'Accepted form submissions not yet stored in Postgres (unread + pending stream entries)',
      registers: [deps.registry],
      async collect() {
        this.set(await redis.xlen(s.stream).catch(() => Number.NaN));
      },
    });
  }

  // Whether any active campaign starts from a form; most forms have none (cached 5 s).
  const triggers = ttlCache<boolean>({ ttlMs: 5_000 });
  const hasActiveTrigger = (formId: string): Promise<boolean> =>
    triggers.get(formId, () =>
      db.campaignTrigger
        .count({ where: { formId, type: 'form_submission', campaign: { status: 'active' } } })
        .then((n) => n > 0),
    );

  async function afterCommit(done: StoredSubmission[]): Promise<void> {
    for (const d of done) {
      if (d.enroll && d.leadId && (await hasActiveTrigger(d.entry.formId))) {
        await enrollByTrigger(db, {
          workspaceId: d.entry.workspaceId,
          leadId: d.leadId,
          event: { type: 'form_submission', formId: d.entry.formId },
        });
      }
    }
  }

  /** Entries stored by an earlier delivery: what their lead may need (enrollment again). */
  async function alreadyStored(
    entries: SubmissionEntry[],
    known: Set<string>,
  ): Promise<StoredSubmission[]> {
    const old = entries.filter((e) => known.has(e.id) && !e.spamReason && e.lead);
    if (old.length === 0) return [];
    const rows = await db.formSubmission.findMany({
      where: { id: { in: old.map((e) => e.id) } },
      select: { id: true, leadId: true, lead: { select: { status: true, confirmedAt: true } } },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return old.map((entry) => {
      const r = byId.get(entry.id);
      const active = r?.lead?.status === 'active';
      const enroll = active && (!entry.doubleOptIn || r?.lead?.confirmedAt != null);
      return { entry, leadId: r?.leadId ?? null, confirmationMessageId: null, enroll };
    });
  }

  async function process(raw: StreamEntry[], redelivered: boolean): Promise<void> {
    let entries: SubmissionEntry[] = [];
    for (const [id, fields] of raw) {
      const i = fields ? fields.indexOf('p') : -1;
      const e = i >= 0 && i % 2 === 0 ? decodeSubmission(fields![i + 1] ?? '') : null;
      if (e) entries.push(e);
      else if (fields) logger.warn({ id }, 'malformed submission entry skipped');
    }
    const done: StoredSubmission[] = [];
    if (redelivered) {
      const known = await storedSubmissionIds(
        db,
        entries.map((e) => e.id),
      );
      done.push(...(await alreadyStored(entries, known)));
      entries = entries.filter((e) => !known.has(e.id));
    }
    try {
      done.push(...(await storeSubmissions(db, entries, deps.confirmation, sendConfirmations)));
    } catch (err) {
      if (!isGone(err)) throw err;
      // One entry's form or workspace is gone: store the others one by one, drop the orphans.
      const known = await storedSubmissionIds(
        db,
        entries.map((e) => e.id),
      );
      for (const e of entries.filter((x) => !known.has(x.id))) {
        try {
          done.push(...(await storeSubmissions(db, [e], deps.confirmation, sendConfirmations)));
        } catch (inner) {
          if (!isGone(inner)) throw inner;
          logger.warn(
            { id: e.id, formId: e.formId },
            'submission dropped: its form or workspace was deleted',
          );
        }
      }
    }
    await afterCommit(done);
    if (stored)
      for (const d of done)
        stored.inc({
          kind: d.entry.spamReason ? 'spam' : d.entry.doubleOptIn ? 'double_opt_in' : 'plain',
        });
  }

  const consumer = await startStreamConsumer({
    reader: deps.reader,
    stream: s.stream,
    group: s.group,
    consumer:
      deps.consumer ?? `${hostname()}-${globalThis.process.pid}-${randomUUID().slice(0, 8)}`,
    batchSize: s.batchSize,
    blockMs: s.blockMs,
    claimIdleMs: s.claimIdleMs,
    logger,
    process,
    monitor: deps.redis,
    policy: deps.policy,
  });
  if (deps.registry) drainMonitor(deps.registry).add('submissions', consumer.health);
  return {
    stats: consumer.stats,
    health: consumer.health,
    close: () => consumer.close(),
  };
}

/** The worker module: one submissions drain per worker process, on its own Redis connection. */
export const submissionsDrainModule: WorkerModule = async (ctx) => {
  const drain = await startSubmissionsDrain({
    db: ctx.db,
    reader: ctx.redis.duplicate(),
    redis: ctx.redis,
    prefix: ctx.prefix,
    logger: ctx.logger.child({ module: 'submissions-drain' }),
    confirmation: { appSecret: ctx.config.appSecret, publicUrl: ctx.config.publicUrl },
    registry: ctx.registry,
    settings: ctx.config.submissions,
    policy: ctx.config.drains,
  });
  return [drain];
};
