// events.drain: moves tracking events from the Redis stream (written by apps/tracking) into
// Postgres, in batches.
//
// At-least-once with an idempotent sink: a consumer group hands out entries; a batch is written
// with one multi-row INSERT ... ON CONFLICT ("eventKey") DO NOTHING, the stream entry id being the
// key; only after that statement commits are the entries XACKed (and XDELed, so the stream's
// length is the backlog). A worker killed between the commit and the XACK leaves its entries
// pending; another consumer (or the same one after a restart, under a new name) takes them over
// with XAUTOCLAIM once they have been idle `claimIdleMs`, and the re-insert is a no-op. The
// consumer-group loop itself is shared with the submissions drain: ../stream-consumer.ts.
//
// Message-level machine signals (early click, burst) are evaluated here, with the batch and what
// Postgres already holds; see ../events-signals.ts. The request-level ones come in the entry.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '@kindling/db';
import { EVENTS_STREAM, decodeStreamEvent, streamIdTime, type StreamEvent } from '@kindling/queue';
import type { EventsDrainSettings, WorkerModule } from '../context.js';
import {
  startStreamConsumer,
  type DrainPolicy,
  type StreamConsumer,
  type StreamEntry,
} from '../stream-consumer.js';
import { webhookEventsInsert } from '@kindling/webhooks';
import { drainMonitor } from '../drain-health.js';
import {
  DEFAULT_SIGNAL_RULES,
  RecentClicks,
  messageSignals,
  type ClickFact,
} from '../events-signals.js';

export const DEFAULT_DRAIN_SETTINGS: EventsDrainSettings = {
  stream: EVENTS_STREAM,
  group: 'kindling-drain',
  batchSize: 500,
  blockMs: 2_000,
  claimIdleMs: 30_000,
  rules: DEFAULT_SIGNAL_RULES,
};

export interface EventsDrainDeps {
  db: Db;
  /** A connection of its own: XREADGROUP BLOCK holds it. Closed by the drain. */
  reader: Redis;
  /** A non-blocking connection for metrics; stays the caller's. */
  redis: Redis;
  logger: Logger;
  registry?: Registry;
  settings?: Partial<EventsDrainSettings>;
  /** Retry, dead-letter and stall settings (stream-consumer.ts); defaults otherwise. */
  policy?: Partial<DrainPolicy>;
  /** Consumer name in the group; unique per process by default. */
  consumer?: string;
}

export interface EventsDrain {
  close: () => Promise<void>;
  /** Batches written so far (for tests and logs). */
  stats: () => { batches: number; inserted: number };
  health: StreamConsumer['health'];
}

type Entry = StreamEntry;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Opens and clicks as webhook events, with the machine flag the insert decided (a burst flag set
// by a later batch is not sent again).
const trackingEvent = (type: 'message.opened' | 'message.clicked', kind: string) =>
  webhookEventsInsert(type, {
    from: 'ins i JOIN "Message" m ON m.id = i."messageId"',
    workspaceId: 'i."workspaceId"',
    leadId: 'i."leadId"',
    data: `jsonb_build_object('messageId', m.id, 'leadId', i."leadId", 'campaignId', m."campaignId",
      'toEmail', m."toEmail", 'machine', i.machine, 'machineReason', i."machineReason"${kind === 'click' ? `, 'url', i.url` : ''})`,
    where: `i.type = '${kind}'`,
  });

const INSERT_SQL = `
WITH v AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS x(key text, ws uuid, mid uuid, lid uuid, type text, url text, reason text, ip text, ua text, detail jsonb, at bigint)
), ins AS (
  INSERT INTO "TrackingEvent" ("eventKey", "workspaceId", "messageId", "leadId", "type", "url", "machine",
                               "machineReason", "ip", "userAgent", "detail", "occurredAt")
  SELECT v.key, v.ws, m.id, l.id, v.type::"EventType", v.url, v.reason IS NOT NULL, v.reason, v.ip, v.ua, v.detail,
         to_timestamp(v.at::double precision / 1000)
  FROM v
  JOIN "Workspace" w ON w.id = v.ws
  LEFT JOIN "Message" m ON m.id = v.mid AND m."workspaceId" = v.ws
  LEFT JOIN "Lead" l ON l.id = v.lid AND l."workspaceId" = v.ws
  ON CONFLICT ("eventKey") DO NOTHING
  RETURNING "workspaceId", "messageId", "leadId", "type", "url", "machine", "machineReason"
), wh_open AS (
  ${trackingEvent('message.opened', 'open')}
  RETURNING 1
), wh_click AS (
  ${trackingEvent('message.clicked', 'click')}
  RETURNING 1
), upd AS (
  UPDATE "TrackingEvent" SET "machine" = true, "machineReason" = 'burst'
  WHERE "eventKey" IN (SELECT jsonb_array_elements_text($2::jsonb)) AND "machine" = false
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM upd)::int AS flagged`;

/** Starts the drain loop; close() finishes the batch in hand and stops. */
export async function startEventsDrain(deps: EventsDrainDeps): Promise<EventsDrain> {
  const s: EventsDrainSettings = { ...DEFAULT_DRAIN_SETTINGS, ...deps.settings };
  const { db, reader, logger } = deps;
  const consumer = deps.consumer ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  let batches = 0;
  let insertedTotal = 0;

  const drained = deps.registry
    ? new Counter({
        name: 'kindling_worker_events_drained_total',
        help: 'Tracking events written to Postgres by the drain, by type and human/machine',
        labelNames: ['type', 'machine'] as const,
        registers: [deps.registry],
      })
    : null;
  const reclassified = deps.registry
    ? new Counter({
        name: 'kindling_worker_events_reclassified_total',
        help: 'Stored clicks marked as machine afterwards, when a later batch completed a burst',
        registers: [deps.registry],
      })
    : null;
  if (deps.registry) {
    const redis = deps.redis;
    new Gauge({
      name: 'kindling_worker_events_backlog',
      help: 'Entries in the tracking events stream not yet written to Postgres (unread + pending)',
      registers: [deps.registry],
      async collect() {
        this.set(await redis.xlen(s.stream).catch(() => Number.NaN));
      },
    });
    new Gauge({
      name: 'kindling_worker_events_pending',
      help: 'Entries handed to a drain consumer and not yet acknowledged',
      registers: [deps.registry],
      async collect() {
        const summary = (await redis.xpending(s.stream, s.group).catch(() => null)) as
          [number, ...unknown[]] | null;
        this.set(summary ? Number(summary[0]) : 0);
      },
    });
  }

  const recent = new RecentClicks(s.rules.burstWindowMs);
  const sentAtCache = new Map<string, number>();

  async function processBatch(entries: Entry[]): Promise<void> {
    const events: { key: string; at: number; e: StreamEvent }[] = [];
    for (const [id, fields] of entries) {
      const e = fields ? decodeStreamEvent(fields) : null;
      if (!e || !UUID.test(e.workspaceId)) {
        if (fields) logger.warn({ id }, 'malformed tracking event skipped');
        continue;
      }
      if (e.messageId && !UUID.test(e.messageId)) delete e.messageId;
      if (e.leadId && !UUID.test(e.leadId)) delete e.leadId;
      events.push({ key: id, at: streamIdTime(id), e });
    }

    const clicks: ClickFact[] = events
      .filter((x) => x.e.type === 'click' && x.e.messageId)
      .map((x) => ({
        key: x.key,
        messageId: x.e.messageId!,
        url: x.e.url ?? null,
        at: x.at,
        machineReason: x.e.machineReason ?? null,
      }));
    let reasons = new Map<string, string>();
    let flagStored: string[] = [];
    let pendingRecent: ClickFact[] = [];
    if (clicks.length > 0) {
      const messageIds = [...new Set(clicks.map((c) => c.messageId))];
      const needSent = messageIds.filter((id) => !sentAtCache.has(id));
      // Only messages this drain has not seen lately need their stored clicks read.
      const needStored = messageIds.filter((id) => !recent.has(id));
      const times = clicks.map((c) => c.at);
      const from = new Date(Math.min(...times) - s.rules.burstWindowMs).toISOString();
      const to = new Date(Math.max(...times) + s.rules.burstWindowMs).toISOString();
      const [sent, stored] = await Promise.all([
        needSent.length === 0
          ? []
          : db.$queryRawUnsafe<{ id: string; sentAt: Date | null }[]>(
              `SELECT id::text AS id, "sentAt" FROM "Message" WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)`,
              JSON.stringify(needSent),
            ),
        needStored.length === 0
          ? []
          : db.$queryRawUnsafe<
              {
                key: string;
                messageId: string;
                url: string | null;
                at: Date;
                machineReason: string | null;
              }[]
            >(
              `SELECT "eventKey" AS key, "messageId"::text AS "messageId", url, "occurredAt" AS at, "machineReason"
               FROM "TrackingEvent"
               WHERE type = 'click' AND "messageId" IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)
                 AND "occurredAt" BETWEEN $2::timestamptz AND $3::timestamptz
               ORDER BY "occurredAt" DESC LIMIT 2000`,
              JSON.stringify(needStored),
              from,
              to,
            ),
      ]);
      if (sentAtCache.size > 10_000) sentAtCache.clear();
      for (const r of sent) if (r.sentAt) sentAtCache.set(r.id, r.sentAt.getTime());
      const known = [
        ...stored.map((r) => ({ ...r, at: r.at.getTime() })),
        ...messageIds.filter((id) => recent.has(id)).flatMap((id) => recent.get(id)),
      ];
      const result = messageSignals(clicks, sentAtCache, known, s.rules);
      reasons = result.reasons;
      flagStored = result.flagStored;
      const flagged = new Set(flagStored);
      pendingRecent = [
        ...known.map((c) => (flagged.has(c.key) ? { ...c, machineReason: 'burst' } : c)),
        ...clicks.map((c) => ({
          ...c,
          machineReason: c.machineReason ?? reasons.get(c.key) ?? null,
        })),
      ];
    }

    const rows = events.map(({ key, at, e }) => ({
      key,
      ws: e.workspaceId,
      mid: e.messageId ?? null,
      lid: e.leadId ?? null,
      type: e.type,
      url: e.url ?? null,
      reason: e.machineReason ?? reasons.get(key) ?? null,
      ip: e.ip ?? null,
      ua: e.userAgent ?? null,
      detail: e.detail ? safeJson(e.detail) : null,
      at,
    }));
    let inserted = 0;
    let flagged = 0;
    if (rows.length > 0 || flagStored.length > 0) {
      const [res] = await db.$queryRawUnsafe<{ inserted: number; flagged: number }[]>(
        INSERT_SQL,
        JSON.stringify(rows),
        JSON.stringify(flagStored),
      );
      inserted = res?.inserted ?? 0;
      flagged = res?.flagged ?? 0;
    }
    recent.add(pendingRecent);
    // Committed: the shared loop acknowledges the entries once this resolves.
    batches++;
    insertedTotal += inserted;
    reclassified?.inc(flagged);
    if (drained)
      for (const r of rows) drained.inc({ type: r.type, machine: r.reason ? 'true' : 'false' });
  }

  const loop = await startStreamConsumer({
    reader,
    stream: s.stream,
    group: s.group,
    consumer,
    batchSize: s.batchSize,
    blockMs: s.blockMs,
    claimIdleMs: s.claimIdleMs,
    logger,
    // Redelivery needs no check here: the insert is ON CONFLICT ("eventKey") DO NOTHING.
    process: (entries) => processBatch(entries),
    monitor: deps.redis,
    policy: deps.policy,
  });
  if (deps.registry) drainMonitor(deps.registry).add('events', loop.health);

  return {
    stats: () => ({ batches, inserted: insertedTotal }),
    health: loop.health,
    close: () => loop.close(),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}

/** The worker module: one drain loop per worker process, on its own Redis connection. */
export const eventsDrainModule: WorkerModule = async (ctx) => {
  const drain = await startEventsDrain({
    db: ctx.db,
    reader: ctx.redis.duplicate(),
    redis: ctx.redis,
    logger: ctx.logger.child({ module: 'events-drain' }),
    registry: ctx.registry,
    settings: ctx.config.events,
    policy: ctx.config.drains,
  });
  return [drain];
};
