// email.send: one Message row -> one SMTP transaction.
//
// Order (hot path, one Postgres statement before SMTP): claim the row with everything the send
// needs in ONE conditional UPDATE ... RETURNING (queued|held|deferred -> sending, claimedAt,
// claimedBy), whose WHERE also requires that the address is not on the suppression list, the lead
// (if any) is active and the identity is not paused, so the suppression check happens at send time
// in the same statement as the claim. Then the pool's/domain's warm-up plans (cached per process
// for 2 s) and the warm-up/provider limiter (one Lua script in Redis shared by every worker
// process, one round trip); if either says "not now", the claim is released (back to held, in one
// UPDATE) and the job waits. Only with the claim AND the throttle tokens taken do we talk SMTP
// through the identity's pooled transport; then the answer is recorded. 2xx -> sent (written in
// coalesced multi-row UPDATEs, see ResultWriter; the job completes only once its row is written).
// 5xx -> bounced + suppressed. 4xx or a connection that never reached the server -> deferred,
// retried with the backoff policy of packages/queue (a 421/4xx also backs the provider off for the
// whole pool). When the claim finds nothing to claim, a second read says why: gone, finished,
// suppressed (marked so), identity paused (held), or `sending` (the ambiguous-claim rule below).
//
// Delivery guarantee: AT MOST ONCE per message. A duplicate email costs more than a missing one
// (complaints, reputation, a lead who sees the same drip twice), so:
// - the claim is taken (and committed durably) before SMTP and never handed out twice (the UPDATE
//   is conditional);
// - a job that finds its row still `sending` means an earlier attempt died after claiming (worker
//   killed, OOM, host lost), possibly mid-send. We cannot know whether the server accepted the DATA. If the claim
//   is younger than `claimLeaseMs` (default 5 min) the earlier attempt might still be alive (a
//   stalled-job false positive), so the job waits out the lease; once the lease has passed with
//   no result, the row becomes `failed` with lastError "ambiguous: ... needs review" and is
//   never re-sent automatically. A person can re-queue it from the Outbox/logs.
//   This rule still covers every crash window of this pipeline: (a) between the claim and the
//   release of a throttled message (never sent, but we cannot tell that from the row: failed for
//   review, not re-sent); (b) after SMTP but before the coalesced result write was flushed (the
//   row stays `sending`; the job never completed, so BullMQ's stalled-job check re-runs it and
//   this rule marks it failed, never a re-send); (c) the result write is committed without
//   waiting for the WAL flush (synchronous_commit off) so a database crash can lose it: same
//   as (b). The claim itself is committed synchronously, which is what prevents duplicates.
// - an SMTP error without a server reply after the connection was up (socket closed during
//   DATA) is treated the same way: failed, needs review.
// Held mail (throttles, pauses, outside sending hours) is never dropped: the job is moved back
// to delayed and asks the limiter again, without spending a retry attempt.
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SendMailOptions } from 'nodemailer';
import type { Db, WarmupPlan } from '@kindling/db';
import { createEgressGuard } from '@kindling/egress';
import { DEFAULT_JOB_OPTIONS, QUEUES, emailSendPayload } from '@kindling/queue';
import {
  TransportPool,
  acquire,
  backoffKey,
  buildMessage,
  decryptSecret,
  domainOf,
  evaluateReputation,
  inSendingHours,
  planLimits,
  precompileMessage,
  providerOf,
  recordHardBounce,
  setBackoff,
  type Limit,
} from '@kindling/sending';
import { renderStepEmail } from '@kindling/campaigns';
import { emailStepConfigSchema } from '@kindling/shared';
import type { WorkerContext, WorkerModule } from '../context.js';
import { devCatcher, sendingSettings, type SendingSettings } from './sending-settings.js';

export type SendOutcome =
  | { result: 'sent'; response: string }
  | { result: 'bounced'; response: string }
  | { result: 'skipped'; reason: string }
  | { result: 'failed'; reason: string };

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
  code?: string;
  command?: string;
}

const newWorkerId = () => `${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

/** Builds the processor; exported for tests that drive it without BullMQ. */
export function createSendProcessor(
  ctx: WorkerContext,
  s: SendingSettings,
  transports: TransportPool,
  io: {
    sql?: Sql;
    results?: ResultWriter;
    claimer?: Claimer;
    workerId?: string;
    limiterRedis?: Redis;
  } = {},
) {
  const { db, redis, logger, config } = ctx;
  const limiterRedis = io.limiterRedis ?? redis;
  const sql = io.sql ?? prismaSql(db);
  const workerId = io.workerId ?? newWorkerId();
  const results = io.results ?? new ResultWriter(sql);
  const claimer = io.claimer ?? new Claimer(sql, workerId);
  // Decrypted relay URLs and DKIM keys, by ciphertext: an edited identity has a new ciphertext,
  // so nothing stale is ever used; decrypting per message was pure overhead.
  const unsealed = new Map<string, string>();
  const unseal = (sealed: string): string => {
    let v = unsealed.get(sealed);
    if (v === undefined) {
      if (unsealed.size > 500) unsealed.clear();
      v = decryptSecret(config.appSecret, sealed);
      unsealed.set(sealed, v);
    }
    return v;
  };
  const clock = async (): Promise<number> => {
    if (!s.clockRedisKey) return Date.now();
    const v = Number(await redis.get(s.clockRedisKey));
    return Number.isFinite(v) && v > 0 ? v : Date.now();
  };

  // Plans change rarely (an edit, a pause); reading them once per message per pool would be
  // most of the pipeline's database work. A pause therefore takes effect within PLAN_CACHE_MS.
  const PLAN_CACHE_MS = 2_000;
  const planCache = new Map<string, { at: number; plans: Promise<WarmupPlan[]> }>();
  const plansFor = (workspaceId: string, pool: string, domain: string): Promise<WarmupPlan[]> => {
    const key = `${workspaceId}|${pool}|${domain}`;
    const hit = planCache.get(key);
    if (hit && Date.now() - hit.at < PLAN_CACHE_MS) return hit.plans;
    const plans = db.warmupPlan.findMany({
      where: {
        workspaceId,
        OR: [
          { scope: 'ip_pool', key: pool },
          { scope: 'domain', key: domain },
        ],
      },
    });
    if (planCache.size > 1000) planCache.clear();
    planCache.set(key, { at: Date.now(), plans });
    plans.catch(() => planCache.delete(key));
    return plans;
  };

  const hold = async (
    job: Job,
    token: string | undefined,
    messageId: string,
    retryAt: number,
    why: string,
    now: number,
  ) => {
    await db.message.updateMany({
      where: { id: messageId, status: { in: ['queued', 'deferred', 'held'] } },
      data: { status: 'held', lastError: why.slice(0, 500) },
    });
    return wait(job, token, retryAt, now);
  };
  // Gives a claimed row back (sending -> held) when a pause, the sending hours or the limiter say
  // "not now": nothing was sent, so the attempt is not counted either.
  const release = async (
    job: Job,
    token: string | undefined,
    messageId: string,
    retryAt: number,
    why: string,
    now: number,
  ) => {
    await sql.execute(
      `UPDATE "Message" SET status = 'held', "claimedAt" = NULL, "claimedBy" = NULL, attempts = greatest(attempts - 1, 0),
         "lastError" = $3, "updatedAt" = now()
       WHERE id = $1::uuid AND status = 'sending' AND "claimedBy" = $2`,
      [messageId, workerId, why.slice(0, 500)],
    );
    return wait(job, token, retryAt, now);
  };
  const wait = async (
    job: Job,
    token: string | undefined,
    retryAt: number,
    now: number,
  ): Promise<never> => {
    const delay = Math.max(50, Math.min(retryAt - now, s.holdRecheckMs));
    await job.moveToDelayed(Date.now() + delay, token);
    // DelayedError tells BullMQ the job was moved back on purpose: no attempt is spent.
    throw new DelayedError();
  };

  /** When the claim took nothing: says why, and acts on it (null = the row can be claimed after all). */
  const unclaimable = async (
    job: Job,
    token: string | undefined,
    messageId: string,
  ): Promise<SendOutcome | null> => {
    const m = await loadForSend(db, messageId);
    if (!m) return { result: 'skipped', reason: 'message gone' };
    if (['sent', 'bounced', 'failed', 'suppressed'].includes(m.status))
      return { result: 'skipped', reason: `already ${m.status}` };
    if (m.status === 'sending') {
      const age = Date.now() - (m.claimedAt?.getTime() ?? 0);
      if (age < s.claimLeaseMs) {
        await job.moveToDelayed(Date.now() + (s.claimLeaseMs - age) + 100, token);
        throw new DelayedError();
      }
      await db.message.updateMany({
        where: { id: m.id, status: 'sending' },
        data: {
          status: 'failed',
          lastError: `ambiguous: claimed by ${m.claimedBy ?? '?'} at ${m.claimedAt?.toISOString() ?? '?'} with no SMTP result; not re-sent (at-most-once), needs review`,
        },
      });
      logger.warn(
        { messageId: m.id, claimedBy: m.claimedBy },
        'ambiguous claim: message marked failed, needs review',
      );
      return { result: 'failed', reason: 'ambiguous claim' };
    }
    // Suppression list and lead state at send time.
    if (m.suppressedReason || (m.lead && m.lead.status !== 'active')) {
      await db.message.updateMany({
        where: { id: m.id, status: { in: ['queued', 'held', 'deferred'] } },
        data: {
          status: 'suppressed',
          lastError: m.suppressedReason
            ? `suppressed: ${m.suppressedReason}`
            : `lead ${m.lead?.status}`,
        },
      });
      return { result: 'skipped', reason: 'suppressed' };
    }
    const now = await clock();
    if (m.identity?.status === 'paused')
      return hold(
        job,
        token,
        m.id,
        now + s.holdRecheckMs,
        `held: identity paused (${m.identity.pausedReason ?? 'by a person'})`,
        now,
      );
    return null;
  };

  return async function process(job: Job, token?: string): Promise<SendOutcome> {
    const parsed = emailSendPayload.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`bad email.send payload: ${parsed.error.message}`);
    const { messageId } = parsed.data;

    // Claim before SMTP: the conditional UPDATE hands the row to exactly one attempt.
    let m = await claimer.claim(messageId);
    if (!m) {
      const why = await unclaimable(job, token, messageId);
      if (why) return why;
      // It changed between the two statements (a suppression lifted, an identity resumed): once more.
      m = await claimer.claim(messageId);
      if (!m) throw new Error(`message ${messageId} changed while being claimed; retrying`);
    }
    const now = await clock();

    const email = m.toEmail.toLowerCase();
    const identity = m.identity;
    const fromEmail = identity?.fromEmail ?? `no-reply@${s.returnPathDomain}`;
    const pool = identity?.ipPool ?? 'shared';
    const provider = providerOf(email);
    const tz = m.workspace.timeZone || 'UTC';

    // Warm-up and provider limits protect a relay's reputation; the dev mail catcher has none.
    const plans = identity?.smtpUrlEncrypted
      ? await plansFor(m.workspaceId, pool, domainOf(fromEmail))
      : [];
    const paused = plans.find((p) => p.status === 'paused');
    if (paused)
      return release(
        job,
        token,
        m.id,
        now + s.holdRecheckMs,
        `held: ${paused.scope} ${paused.key} paused (${paused.pausedReason ?? ''})`,
        now,
      );

    // Throttles: every enabled plan's day/window/provider counters plus the provider back-off.
    const limits: Limit[] = [];
    for (const plan of plans.filter((p) => p.enabled)) {
      if (!inSendingHours(plan, now, tz))
        return release(
          job,
          token,
          m.id,
          now + s.holdRecheckMs,
          `held: outside sending hours of ${plan.scope} ${plan.key}`,
          now,
        );
      limits.push(
        ...planLimits(plan, {
          prefix: s.throttlePrefix,
          now,
          timeZone: tz,
          windowMs: s.throttleWindowMs,
          provider,
        }),
      );
    }
    const backoff = backoffKey(s.throttlePrefix, `${m.workspaceId}:${pool}`, provider);
    const got = await acquire(limiterRedis, limits, identity ? [backoff] : []);
    if (!got.ok) {
      const l = got.backoff ? null : limits[got.index];
      const why = got.backoff
        ? `held: ${provider} backing off after a 4xx`
        : `held: ${l?.label ?? 'cap'} reached`;
      return release(
        job,
        token,
        m.id,
        got.backoff ? now + Math.max(got.value, 100) : (l?.resetAt ?? now + s.holdRecheckMs),
        why,
        now,
      );
    }

    // Body and subject: rendered by the producer (html/text/subject columns; the drip engine stores
    // campaign steps rendered). A row without a body is rendered here from its step with the same
    // renderStepEmail, never re-rendering a stored subject (a lead's own "{{…}}" stays literal).
    let html = m.html;
    let text = m.text;
    let preheader: string | null = null;
    let subject = m.subject;
    if (!html) {
      const raw = (m.stepConfig as { email?: unknown } | null)?.email ?? m.stepConfig;
      const cfg = emailStepConfigSchema.safeParse(raw);
      if (!cfg.success) {
        // Nothing was sent: close the claim as failed, like a message that cannot be built.
        const why = 'message could not be built: its step has no valid email';
        await db.message.update({
          where: { id: m.id },
          data: { status: 'failed', lastError: why },
        });
        throw new UnrecoverableError(why);
      }
      const rendered = renderStepEmail(cfg.data, m.lead ?? { email }, m.workspace);
      ({ html, subject } = rendered);
      text = rendered.text || null;
      preheader = rendered.preheader || null;
    }
    const secret = config.appSecret;
    const dkim =
      identity?.dkimDomain && identity.dkimSelector && identity.dkimPrivateKeyEncrypted
        ? {
            domainName: identity.dkimDomain,
            keySelector: identity.dkimSelector,
            privateKey: unseal(identity.dkimPrivateKeyEncrypted),
          }
        : null;
    const options = buildMessage({
      message: { ...m, subject },
      from: { name: identity?.fromName ?? m.workspace.name, email: fromEmail },
      replyTo: identity?.replyTo ?? null,
      html,
      text,
      preheader,
      postalAddress: m.workspace.postalAddress,
      workspaceName: m.workspace.name,
      tracking: m.kind === 'campaign' && m.tracking ? m.tracking : { opens: false, clicks: false },
      appSecret: secret,
      trackingUrl: config.trackingUrl,
      returnPathDomain: identity?.returnPathDomain ?? identity?.dkimDomain ?? s.returnPathDomain,
      ipPool: pool,
      dkim,
      unsubscribe: m.kind === 'campaign' || m.kind === 'test',
    });
    const transport = identity?.smtpUrlEncrypted
      ? transports.get(identity.id, {
          url: unseal(identity.smtpUrlEncrypted),
          poolSize: identity.poolSize,
        })
      : transports.get('dev-catcher', {
          url: `smtp://${devCatcher.host}:${devCatcher.port}?tls=off`,
          poolSize: 2,
          own: true,
        });

    let prepared: SendMailOptions;
    try {
      prepared = await precompileMessage(options);
    } catch (e) {
      // Nothing was sent: the claim is closed as failed (a broken template or key needs a person).
      const why = `message could not be built: ${(e as Error).message}`.slice(0, 500);
      await db.message.update({ where: { id: m.id }, data: { status: 'failed', lastError: why } });
      throw new UnrecoverableError(why);
    }
    let info: { response?: string };
    try {
      info = (await transport.sendMail(prepared)) as { response?: string };
    } catch (e) {
      const err = e as SmtpError;
      const answer = (err.response ?? err.message).slice(0, 1000);
      if (err.code === 'EGRESS_REFUSED') {
        // An internal destination the operator has not allowed: nothing was sent, and retrying
        // cannot help until the relay or EGRESS_ALLOW changes.
        await db.message.update({
          where: { id: m.id },
          data: { status: 'failed', lastError: answer },
        });
        throw new UnrecoverableError(answer);
      }
      if (err.responseCode && err.responseCode >= 500) {
        await db.message.update({ where: { id: m.id }, data: { smtpResponse: answer } });
        await recordHardBounce(db, {
          workspaceId: m.workspaceId,
          email,
          messageId: m.id,
          leadId: m.leadId,
          detail: answer,
        });
        await guard(db, m.workspaceId, pool, fromEmail, s);
        return { result: 'bounced', response: answer };
      }
      const neverConnected =
        !err.responseCode &&
        (err.command === 'CONN' ||
          ['ECONNECTION', 'ETIMEDOUT', 'EDNS', 'ECONNREFUSED'].includes(err.code ?? '')) &&
        err.command !== 'DATA';
      if ((err.responseCode && err.responseCode >= 400) || neverConnected) {
        if (err.responseCode && identity) await setBackoff(redis, backoff, s.providerBackoffMs);
        const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        await db.message.update({
          where: { id: m.id },
          data: {
            status: last ? 'failed' : 'deferred',
            smtpResponse: err.responseCode ? answer : null,
            lastError: answer,
          },
        });
        if (last)
          throw new UnrecoverableError(`gave up after ${job.attemptsMade + 1} attempts: ${answer}`);
        throw new Error(`deferred: ${answer}`);
      }
      await db.message.update({
        where: { id: m.id },
        data: {
          status: 'failed',
          lastError: `ambiguous: ${answer} (connection lost mid-conversation; not re-sent, needs review)`,
        },
      });
      throw new UnrecoverableError(`ambiguous SMTP failure: ${answer}`);
    }
    // Outside the try: a failed result write must not be mistaken for an SMTP failure. It fails
    // the job; the retry finds the row `sending` and applies the ambiguous-claim rule (no re-send).
    await results.sent(m.id, info.response ?? '');
    return { result: 'sent', response: info.response ?? '' };
  };
}

/** Runs SQL text with positional parameters; returns rows (query) or the row count (execute). */
export interface Sql {
  query<T>(text: string, params: unknown[]): Promise<T[]>;
  execute(text: string, params: unknown[]): Promise<number>;
}

/** The Prisma client as an `Sql`. */
export function prismaSql(db: Db): Sql {
  return {
    query: <T>(text: string, params: unknown[]) => db.$queryRawUnsafe<T[]>(text, ...params),
    execute: (text: string, params: unknown[]) => db.$executeRawUnsafe(text, ...params),
  };
}

/**
 * Coalesces calls into one batch call: a batch starts `flushMs` after its first item, or as soon as
 * the previous batch finished (one batch in flight at a time, at most `maxBatch` items). Each
 * `add()` resolves with its own item's output once the whole batch is done.
 */
export class Coalescer<I, O> {
  private pending: { item: I; done: (o: O) => void; fail: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly flushMs = 2,
    private readonly maxBatch = 200,
  ) {}

  /** Queues an item; resolves with its output when its batch ran. */
  add(item: I): Promise<O> {
    return new Promise((done, fail) => {
      this.pending.push({ item, done, fail });
      if (this.flushing) return; // picked up when the batch in flight finishes
      if (this.pending.length >= this.maxBatch) this.flushNow();
      else this.timer ??= setTimeout(() => this.flushNow(), this.flushMs);
    });
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.flushing = this.run(batch.map((b) => b.item))
      .then(
        (out) => batch.forEach((b, i) => b.done(out[i] as O)),
        (e: unknown) => batch.forEach((b) => b.fail(e)),
      )
      .finally(() => {
        this.flushing = null;
        if (this.pending.length) this.flushNow();
      });
  }

  /** Runs whatever is pending (on shutdown). */
  async close(): Promise<void> {
    while (this.pending.length || this.flushing) {
      if (!this.flushing) this.flushNow();
      await this.flushing;
    }
  }
}

/**
 * Records `sent` results in coalesced multi-row UPDATEs: one statement per batch instead of one
 * per message. `sent()` resolves once its row is written, so a job completes only after its
 * result is in the database (see the crash rules in the header).
 */
export class ResultWriter {
  private readonly batches: Coalescer<{ id: string; r: string }, undefined>;

  // 5 ms: in bench send-pipeline (SEND_CONCURRENCY 50) 2 ms gave batches of ~4 rows, 5 ms ~9, and
  // every statement costs a socket write and a commit; the jobs' wait is hidden by concurrency.
  constructor(sql: Sql, flushMs = 5) {
    // set_config(..., true) is SET LOCAL for this statement's own transaction: the result is
    // written without waiting for the WAL flush (see the header for why that is safe).
    const text = `UPDATE "Message" m SET status = 'sent', "sentAt" = now(), "smtpResponse" = v.r, "updatedAt" = now()
      FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit, json_to_recordset($1::json) AS v(id uuid, r text)
      WHERE m.id = v.id`;
    this.batches = new Coalescer(
      async (rows) => {
        const json = JSON.stringify(rows);
        // One retry for a dropped connection: the UPDATE is idempotent.
        await sql.execute(text, [json]).catch(() => sql.execute(text, [json]));
        return rows.map(() => undefined);
      },
      flushMs,
      500,
    );
  }

  /** Queues a `sent` result; resolves when it is written. */
  sent(id: string, response: string): Promise<void> {
    return this.batches.add({ id, r: response.slice(0, 1000) }).then(() => undefined);
  }

  /** Writes whatever is pending (on shutdown). */
  close(): Promise<void> {
    return this.batches.close();
  }
}

/**
 * Claims in coalesced batches: one conditional UPDATE ... RETURNING for the messages of every job
 * that asked within a couple of milliseconds (each row is still claimed by exactly one attempt:
 * the UPDATE is conditional, and an id asked for twice in one batch is given to the first asker
 * only). Not retried on error: the job fails, and its retry judges the row by its status.
 */
export class Claimer {
  private readonly batches: Coalescer<string, SendRow | null>;

  // 5 ms: see ResultWriter.
  constructor(sql: Sql, workerId: string, flushMs = 5) {
    this.batches = new Coalescer(
      async (ids) => {
        const rows = await claimForSend(sql, ids, workerId);
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => {
          const r = byId.get(id) ?? null;
          byId.delete(id);
          return r;
        });
      },
      flushMs,
      200,
    );
  }

  /** Claims one message; null when it cannot be claimed now. */
  claim(id: string): Promise<SendRow | null> {
    return this.batches.add(id);
  }

  close(): Promise<void> {
    return this.batches.close();
  }
}

interface SendRow {
  id: string;
  workspaceId: string;
  kind: 'campaign' | 'confirmation' | 'test' | 'account';
  campaignId: string | null;
  leadId: string | null;
  stepId: string | null;
  toEmail: string;
  subject: string;
  messageIdHeader: string;
  status: string;
  claimedAt: Date | null;
  claimedBy: string | null;
  html: string | null;
  text: string | null;
  suppressedReason: string | null;
  /** The step's config when the body was not pre-rendered (claim only). */
  stepConfig?: unknown;
  /** The campaign's tracking switches (claim only; null for other kinds). */
  tracking?: { opens: boolean; clicks: boolean } | null;
  workspace: { name: string; timeZone: string; postalAddress: string };
  identity: {
    id: string;
    fromName: string;
    fromEmail: string;
    replyTo: string | null;
    smtpUrlEncrypted: string | null;
    poolSize: number;
    ipPool: string;
    dkimDomain: string | null;
    dkimSelector: string | null;
    dkimPrivateKeyEncrypted: string | null;
    returnPathDomain: string | null;
    status: 'active' | 'paused';
    pausedReason: string | null;
  } | null;
  lead: {
    status: string;
    email: string;
    firstName: string | null;
    lastName: string | null;
    phone: string | null;
    customFields: unknown;
  } | null;
}

/**
 * Everything one send needs, with the suppression check, in ONE query: this runs for every
 * message, and separate ORM reads (message, identity, workspace, lead, suppression) were most of
 * the pipeline's cost.
 */
async function loadForSend(db: Db, id: string): Promise<SendRow | null> {
  const rows = await db.$queryRaw<(Omit<SendRow, 'claimedAt'> & { claimedAtMs: number | null })[]>`
    SELECT m.id::text, m."workspaceId"::text, m.kind::text, m."campaignId"::text, m."leadId"::text, m."stepId"::text,
      m."toEmail", m.subject, m."messageIdHeader", m.status::text, m."claimedBy", m.html, m.text,
      (extract(epoch FROM m."claimedAt") * 1000)::float8 AS "claimedAtMs",
      s.reason::text AS "suppressedReason",
      json_build_object('name', w.name, 'timeZone', w."timeZone", 'postalAddress', w."postalAddress") AS workspace,
      CASE WHEN i.id IS NULL THEN NULL ELSE json_build_object(
        'id', i.id, 'fromName', i."fromName", 'fromEmail', i."fromEmail", 'replyTo', i."replyTo",
        'smtpUrlEncrypted', i."smtpUrlEncrypted", 'poolSize', i."poolSize", 'ipPool', i."ipPool",
        'dkimDomain', i."dkimDomain", 'dkimSelector', i."dkimSelector", 'dkimPrivateKeyEncrypted', i."dkimPrivateKeyEncrypted",
        'returnPathDomain', i."returnPathDomain", 'status', i.status, 'pausedReason', i."pausedReason") END AS identity,
      CASE WHEN l.id IS NULL THEN NULL ELSE json_build_object(
        'status', l.status, 'email', l.email, 'firstName', l."firstName", 'lastName', l."lastName",
        'phone', l.phone, 'customFields', l."customFields") END AS lead
    FROM "Message" m
    JOIN "Workspace" w ON w.id = m."workspaceId"
    LEFT JOIN "SendingIdentity" i ON i.id = m."identityId"
    LEFT JOIN "Lead" l ON l.id = m."leadId"
    LEFT JOIN "Suppression" s ON s."workspaceId" = m."workspaceId" AND s.email = lower(m."toEmail")
    WHERE m.id = ${id}::uuid`;
  const r = rows[0];
  if (!r) return null;
  const { claimedAtMs, ...rest } = r;
  return { ...rest, claimedAt: claimedAtMs === null ? null : new Date(claimedAtMs) };
}

const IDENTITY_JSON = `json_build_object(
        'id', i.id, 'fromName', i."fromName", 'fromEmail', i."fromEmail", 'replyTo', i."replyTo",
        'smtpUrlEncrypted', i."smtpUrlEncrypted", 'poolSize', i."poolSize", 'ipPool', i."ipPool",
        'dkimDomain', i."dkimDomain", 'dkimSelector', i."dkimSelector", 'dkimPrivateKeyEncrypted', i."dkimPrivateKeyEncrypted",
        'returnPathDomain', i."returnPathDomain", 'status', i.status, 'pausedReason', i."pausedReason")`;
const LEAD_JSON = `json_build_object(
        'status', l.status, 'email', l.email, 'firstName', l."firstName", 'lastName', l."lastName",
        'phone', l.phone, 'customFields', l."customFields")`;

/**
 * The claim, the send-time suppression check and the load in ONE statement: the row goes
 * queued|held|deferred -> sending only if its address is not suppressed, its lead (if any) is
 * active and its identity is not paused, and the statement returns everything the send needs.
 * Rows not returned were not claimed (see `unclaimable` for why).
 */
async function claimForSend(sql: Sql, ids: string[], workerId: string): Promise<SendRow[]> {
  const rows = await sql.query<Omit<SendRow, 'claimedAt'>>(
    `WITH c AS (
      UPDATE "Message" m SET status = 'sending', "claimedAt" = now(), "claimedBy" = $2,
        attempts = attempts + 1, "lastError" = NULL, "updatedAt" = now()
      WHERE m.id IN (SELECT value::uuid FROM json_array_elements_text($1::json)) AND m.status IN ('queued', 'held', 'deferred')
        AND NOT EXISTS (SELECT 1 FROM "Suppression" s WHERE s."workspaceId" = m."workspaceId" AND s.email = lower(m."toEmail"))
        AND NOT EXISTS (SELECT 1 FROM "Lead" l WHERE l.id = m."leadId" AND l.status <> 'active')
        AND NOT EXISTS (SELECT 1 FROM "SendingIdentity" i WHERE i.id = m."identityId" AND i.status = 'paused')
      RETURNING m.id, m."workspaceId", m.kind, m."campaignId", m."leadId", m."stepId", m."identityId",
        m."toEmail", m.subject, m."messageIdHeader", m.status, m."claimedBy", m.html, m.text
    )
    SELECT c.id::text, c."workspaceId"::text, c.kind::text, c."campaignId"::text, c."leadId"::text, c."stepId"::text,
      c."toEmail", c.subject, c."messageIdHeader", c.status::text, c."claimedBy", c.html, c.text,
      NULL::text AS "suppressedReason",
      json_build_object('name', w.name, 'timeZone', w."timeZone", 'postalAddress', w."postalAddress") AS workspace,
      CASE WHEN i.id IS NULL THEN NULL ELSE ${IDENTITY_JSON} END AS identity,
      CASE WHEN l.id IS NULL THEN NULL ELSE ${LEAD_JSON} END AS lead,
      CASE WHEN k.id IS NULL THEN NULL ELSE json_build_object('opens', k."trackOpens", 'clicks', k."trackClicks") END AS tracking,
      st.config AS "stepConfig"
    FROM c
    JOIN "Workspace" w ON w.id = c."workspaceId"
    LEFT JOIN "SendingIdentity" i ON i.id = c."identityId"
    LEFT JOIN "Lead" l ON l.id = c."leadId"
    LEFT JOIN "Campaign" k ON k.id = c."campaignId"
    LEFT JOIN "CampaignStep" st ON c.html IS NULL AND st.id = c."stepId"`,
    [JSON.stringify(ids), workerId],
  );
  return rows.map((r) => ({ ...r, claimedAt: null }));
}

async function guard(
  db: Db,
  workspaceId: string,
  pool: string,
  fromEmail: string,
  s: SendingSettings,
): Promise<void> {
  await evaluateReputation(db, workspaceId, {
    windowMs: s.reputationWindowMs,
    minSample: s.reputationMinSample,
    keys: [
      { scope: 'ip_pool', key: pool },
      { scope: 'domain', key: domainOf(fromEmail) },
    ],
  });
}

/** Consumes QUEUES.email. */
export const emailSendModule: WorkerModule = async (ctx) => {
  const s = sendingSettings(ctx.config.sending, ctx.config.publicUrl);
  const transports = new TransportPool(createEgressGuard(ctx.config.egress));
  const queue = new Queue(QUEUES.email, {
    connection: ctx.redis,
    prefix: ctx.prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  const sql = prismaSql(ctx.db);
  const workerId = newWorkerId();
  const results = new ResultWriter(sql);
  const claimer = new Claimer(sql, workerId);
  // The limiter's own connection, auto-pipelined: the jobs of one claim batch ask the limiter in
  // the same tick, and their EVALSHAs go out in one socket write instead of one each. (Not
  // BullMQ's connection: its blocking and locking commands keep their own timing.)
  const limiterRedis = ctx.redis.duplicate({ enableAutoPipelining: true });
  const processor = createSendProcessor(ctx, s, transports, {
    sql,
    results,
    claimer,
    workerId,
    limiterRedis,
  });
  const worker = new Worker(QUEUES.email, (job, token) => processor(job, token), {
    connection: ctx.redis,
    prefix: ctx.prefix,
    concurrency: ctx.config.sendConcurrency ?? ctx.concurrency,
  });
  ctx.observe(worker);
  await worker.waitUntilReady();
  const closeRest = async () => {
    await Promise.all([claimer.close(), results.close()]);
    transports.close();
    await limiterRedis.quit().catch(() => limiterRedis.disconnect());
  };
  return [worker, queue, { close: closeRest }];
};
