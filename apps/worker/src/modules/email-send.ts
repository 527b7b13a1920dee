// email.send: one Message row -> one SMTP transaction. The pieces, in the order a message meets them:
//
// 1. claim (email-send/claim.ts): ONE conditional UPDATE ... RETURNING (queued|held|deferred ->
//    sending, claimedAt, claimedBy) whose WHERE also requires that the address is not suppressed,
//    the lead (if any) is active and the identity is not paused: the send-time suppression check
//    is the claim. Claims of the jobs of 5 ms share one statement. When nothing was claimed, a
//    second read says why: gone, finished, suppressed (marked so), identity paused (held), or
//    `sending` (recovery rules below).
// 2. throttle (email-send/throttle.ts): warm-up pauses, sending hours, the warm-up/provider limiter
//    (one Lua script in Redis shared by every worker process); "not now" releases the claim back
//    to `held` and the job waits, without spending an attempt.
// 3. build (email-send/build.ts): the final DKIM-signed bytes, before any connection is taken.
// 4. deliver (email-send/deliver.ts): the message is given to the identity's pooled transport only
//    when one of its `poolSize` connection slots is free; the envelope starts while the "handed to
//    SMTP" mark (`handedAt`) is committed, and the end of DATA waits for that mark.
// 5. record (email-send/record.ts): marks and `sent` results in shared multi-row statements (the
//    job completes only once its row is written; the marks of all connections share one
//    statement in flight, a group commit). 2xx -> sent. An error answer is classified
//    (packages/sending smtp-answers.ts, stored as `smtpClass`): a 5xx about the address -> bounced
//    + suppressed; a 5xx about the sender (authentication, block list, reputation, content,
//    policy) -> failed, the lead untouched; authentication and block-list answers also pause the
//    identity. A 4xx, or no answer before the end of DATA -> deferred, retried with the backoff of
//    packages/queue; a rate or reputation 4xx also backs the provider off for the whole pool,
//    doubling while it repeats. No answer after the end of DATA -> ambiguous (below).
// Recovery (email-send/recover.ts): a heartbeat row per worker process and a sweep every
// `heartbeatMs` resolve the claims of a worker not seen for 5 heartbeats.
//
// Delivery guarantee: AT MOST ONCE per message. A duplicate email costs more than a missing one
// (complaints, reputation, a lead who sees the same drip twice), so:
// - the claim is taken (and committed durably) before SMTP and never handed out twice (the UPDATE
//   is conditional);
// - the mark is committed durably before the end of DATA, and only by the worker still holding the
//   claim. A server delivers nothing whose DATA did not end, so a `sending` row without the mark
//   was never delivered: when its worker is dead (or the claim is past `claimLeaseMs`) it goes back
//   to the queue by itself and is sent once. That covers a crash between the claim and the
//   throttle release, while waiting for a connection slot, during build, and during the envelope.
// - a `sending` row WITH the mark and no result is ambiguous: the worker died between the end of
//   DATA and the recorded answer (after SMTP but before the result statement; or the database lost
//   a result committed without waiting for the WAL flush). It becomes `failed` with `reviewAt`
//   and "ambiguous ... needs review", never re-sent automatically; a person re-queues or dismisses
//   it in Sending → Outbox or through /api/sending/review. Since a slot's next mark commits its
//   previous result, at most one message per connection slot is in that state at any time: a
//   killed worker leaves at most its pool size ambiguous.
// - a connection lost after the end of DATA without an answer is ambiguous the same way; lost
//   before it, the message is deferred and retried (nothing was delivered).
// - nodemailer is told never to re-send a message itself after a connection closed (transport.ts).
// Held mail (throttles, pauses, outside sending hours) is never dropped: the job is moved back
// to delayed and asks the limiter again, without spending a retry attempt.
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { createEgressGuard } from '@kindling/egress';
import { QUEUES, emailQueue, emailSendPayload, requeueEmailSend } from '@kindling/queue';
import {
  MxProviders,
  TransportPool,
  createDnsResolver,
  decryptSecret,
  domainOf,
  evaluateReputation,
  recordHardBounce,
  setBackoff,
  backsOffProvider,
  bouncesRecipient,
  classifySmtpAnswer,
  pauseIdentity,
  pausesIdentity,
} from '@kindling/sending';
import type { WorkerContext, WorkerModule } from '../context.js';
import { sendingSettings, type SendingSettings } from './sending-settings.js';
import { smtpUrlOf } from './dev-mail-catcher.js';
import { Claimer, loadForSend, type SendRow } from './email-send/claim.js';
import { createThrottle } from './email-send/throttle.js';
import { Unbuildable, buildForSend, fromEmailOf } from './email-send/build.js';
import { Deliverer } from './email-send/deliver.js';
import {
  Recorder,
  recordAmbiguous,
  recordDeferred,
  recordUnbuildable,
} from './email-send/record.js';
import { Recovery } from './email-send/recover.js';
import { pgSql, prismaSql, sendPool, type Sql } from './email-send/sql.js';

export { Claimer } from './email-send/claim.js';
export { Recorder } from './email-send/record.js';
export { Recovery } from './email-send/recover.js';
export { prismaSql, type Sql } from './email-send/sql.js';

export type SendOutcome =
  | { result: 'sent'; response: string }
  | { result: 'bounced'; response: string }
  | { result: 'skipped'; reason: string }
  | { result: 'failed'; reason: string };

const newWorkerId = () => `${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

/** Everything one worker process's send path shares. */
interface SendParts {
  sql: Sql;
  workerId: string;
  claimer: Claimer;
  recorder: Recorder;
  recovery: Recovery;
  deliverer: Deliverer;
  limiterRedis: Redis;
  providers: MxProviders;
}

/** Builds the processor. */
function createSendProcessor(ctx: WorkerContext, s: SendingSettings, p: SendParts) {
  const { db, redis, logger, config } = ctx;
  const { sql, workerId, claimer, recovery, deliverer } = p;
  const throttle = createThrottle(db, p.limiterRedis, s, (email) => p.providers.providerOf(email));
  // Messages this process is sending right now: a row claimed by this process but not in here is
  // left over from an attempt of ours that already ended.
  const inFlight = new Set<string>();
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

  const wait = async (job: Job, token: string | undefined, delayMs: number): Promise<never> => {
    await job.moveToDelayed(Date.now() + Math.max(50, delayMs), token);
    // DelayedError tells BullMQ the job was moved back on purpose: no attempt is spent.
    throw new DelayedError();
  };
  const hold = async (job: Job, token: string | undefined, id: string, why: string) => {
    await db.message.updateMany({
      where: { id, status: { in: ['queued', 'deferred', 'held'] } },
      data: { status: 'held', lastError: why.slice(0, 500) },
    });
    return wait(job, token, s.holdRecheckMs);
  };
  // Gives a claimed row back (sending -> held) when the throttle says "not now": nothing was
  // sent, so the attempt is not counted either.
  const release = async (
    job: Job,
    token: string | undefined,
    id: string,
    delayMs: number,
    why: string,
  ) => {
    await sql.execute(
      `UPDATE "Message" SET status = 'held', "claimedAt" = NULL, "claimedBy" = NULL, attempts = greatest(attempts - 1, 0),
         "lastError" = $3, "updatedAt" = now()
       WHERE id = $1::uuid AND status = 'sending' AND "claimedBy" = $2`,
      [id, workerId, why.slice(0, 500)],
    );
    return wait(job, token, Math.min(delayMs, s.holdRecheckMs));
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
      const ownerGone = m.claimedBy === workerId && !inFlight.has(m.id);
      const r = await recovery.resolveOne(m.id, ownerGone);
      if (r === 'requeued') return null;
      if (r === 'review') {
        logger.warn({ messageId: m.id, claimedBy: m.claimedBy }, 'ambiguous claim: needs review');
        return { result: 'failed', reason: 'ambiguous claim' };
      }
      // Its worker is alive (a stalled-job false positive, or a slow send): ask again once it
      // could have been judged dead, or the lease is over.
      const leaseLeft = s.claimLeaseMs - (Date.now() - (m.claimedAt?.getTime() ?? 0));
      return wait(job, token, Math.min(leaseLeft, recovery.deadAfterMs) + 100);
    }
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
    if (m.identity?.status === 'paused')
      return hold(
        job,
        token,
        m.id,
        `held: identity paused (${m.identity.pausedReason ?? 'by a person'})`,
      );
    return null;
  };

  const send = async (job: Job, token: string | undefined, m: SendRow): Promise<SendOutcome> => {
    const now = await clock();
    const identity = m.identity;
    const fromEmail = fromEmailOf(m, s.returnPathDomain);
    const pool = identity?.ipPool ?? 'shared';
    const t = await throttle(m, fromEmail, now);
    if (!t.go) return release(job, token, m.id, t.retryAt - now, t.why);

    let prepared;
    try {
      prepared = await buildForSend(m, {
        appSecret: config.appSecret,
        trackingUrl: config.trackingUrl,
        returnPathDomain: s.returnPathDomain,
        unseal,
      });
    } catch (e) {
      if (!(e instanceof Unbuildable)) throw e;
      await recordUnbuildable(db, m.id, e.message);
      throw new UnrecoverableError(e.message);
    }
    const [key, spec] = identity?.smtpUrlEncrypted
      ? [identity.id, { url: unseal(identity.smtpUrlEncrypted), poolSize: identity.poolSize }]
      : ['dev-catcher', { url: smtpUrlOf(ctx.devCatcher), poolSize: 2, own: true }];

    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const d = await deliverer.deliver(key, spec, m.id, prepared);
    switch (d.kind) {
      case 'accepted':
        // A failed result write fails the job; its retry finds the row `sending` and handed, and
        // recovery sets it aside for review (never a re-send).
        await d.written;
        return { result: 'sent', response: d.response };
      case 'egress-refused':
        // An internal destination the operator has not allowed: nothing was sent, and retrying
        // cannot help until the relay or EGRESS_ALLOW changes.
        await db.message.update({
          where: { id: m.id },
          data: { status: 'failed', lastError: d.answer },
        });
        throw new UnrecoverableError(d.answer);
      case 'claim-lost':
        return { result: 'skipped', reason: 'claim taken back by recovery before the send' };
      case 'ambiguous':
        await recordAmbiguous(db, m.id, d.answer);
        throw new UnrecoverableError(`ambiguous SMTP failure: ${d.answer}`);
      case 'refused':
      case 'not-delivered': {
        // What the server said (smtp-answers.ts) decides who is at fault and what slows down.
        const verdict =
          d.kind === 'refused' ? classifySmtpAnswer(d.err.responseCode, d.answer) : null;
        if (verdict && identity && pausesIdentity(verdict))
          await pauseIdentity(
            db,
            identity.id,
            `the receiving server refused it (${verdict.class}): ${d.answer}`,
          );
        if (verdict?.permanent && !bouncesRecipient(verdict)) {
          // Refused for the sender's sake (authentication, a block list, reputation, content or
          // policy): the message failed, the recipient did nothing wrong and stays as they are.
          await db.message.updateMany({
            where: { id: m.id, status: 'sending' },
            data: {
              status: 'failed',
              handedAt: null,
              smtpResponse: d.answer,
              smtpClass: verdict.class,
              lastError: `refused (${verdict.class}): ${d.answer}`.slice(0, 1000),
            },
          });
          throw new UnrecoverableError(`refused (${verdict.class}): ${d.answer}`);
        }
        if (verdict?.permanent) {
          await db.message.update({
            where: { id: m.id },
            data: { smtpResponse: d.answer, smtpClass: verdict.class },
          });
          await recordHardBounce(db, {
            workspaceId: m.workspaceId,
            email: m.toEmail.toLowerCase(),
            messageId: m.id,
            leadId: m.leadId,
            detail: d.answer,
          });
          await guard(ctx, m.workspaceId, pool, fromEmail, s);
          return { result: 'bounced', response: d.answer };
        }
        // A 4xx is deferred like a conversation that never reached the end of DATA; only a rate
        // or reputation answer slows the provider down for the pool (a full mailbox does not).
        if (verdict && identity && backsOffProvider(verdict))
          await setBackoff(redis, t.backoff, s.providerBackoffMs);
        await recordDeferred(db, m.id, d.answer, {
          last,
          smtpAnswered: d.kind === 'refused',
          smtpClass: verdict?.class ?? null,
        });
        if (last)
          throw new UnrecoverableError(
            `gave up after ${job.attemptsMade + 1} attempts: ${d.answer}`,
          );
        throw new Error(`deferred: ${d.answer}`);
      }
    }
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
      // It changed between the two statements (a suppression lifted, an identity resumed, a
      // stopped worker's claim given back): once more.
      m = await claimer.claim(messageId);
      if (!m) throw new Error(`message ${messageId} changed while being claimed; retrying`);
    }
    inFlight.add(m.id);
    try {
      return await send(job, token, m);
    } finally {
      inFlight.delete(m.id);
    }
  };
}

async function guard(
  ctx: WorkerContext,
  workspaceId: string,
  pool: string,
  fromEmail: string,
  s: SendingSettings,
): Promise<void> {
  await evaluateReputation(ctx.db, workspaceId, {
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
  const resolver = createDnsResolver(s.dnsServers);
  const queue = emailQueue({ connection: ctx.redis, prefix: ctx.prefix });
  // The claim, the marks and the results are several statements per message: on a connection
  // pool of their own they skip the ORM's per-statement work (about a tenth of the worker's CPU in
  // bench send-pipeline) and never wait behind other modules' queries for a connection.
  const pool = ctx.config.databaseUrl
    ? sendPool(ctx.config.databaseUrl, (err) =>
        ctx.logger.warn({ err }, 'email.send: an idle database connection failed'),
      )
    : null;
  const sql = pool ? pgSql(pool) : prismaSql(ctx.db);
  const workerId = newWorkerId();
  const recorder = new Recorder(sql, workerId);
  const recovery = new Recovery(sql, workerId, {
    heartbeatMs: s.heartbeatMs,
    leaseMs: s.claimLeaseMs,
    logger: ctx.logger,
    requeue: (ids) => requeueEmailSend(queue, ids, 'recovered'),
  });
  // Registered before the first claim, so no live claim is ever judged by a missing heartbeat.
  await recovery.start();
  const parts: SendParts = {
    sql,
    workerId,
    claimer: new Claimer(sql, workerId),
    recorder,
    recovery,
    deliverer: new Deliverer(transports, recorder),
    // The limiter's own connection, auto-pipelined: the jobs of one claim batch ask the limiter in
    // the same tick, and their EVALSHAs go out in one socket write instead of one each. (Not
    // BullMQ's connection: its blocking and locking commands keep their own timing.)
    limiterRedis: ctx.redis.duplicate({ enableAutoPipelining: true }),
    // Recipient domains' providers by MX, learned in the background (never awaited by a send).
    providers: new MxProviders(ctx.db, resolver, {
      ttlMs: s.mxTtlMs,
      retryMs: s.mxRetryMs,
      onError: (err, domain) =>
        ctx.logger.debug({ err, domain }, 'email.send: MX lookup failed; provider stays other'),
    }),
  };
  const processor = createSendProcessor(ctx, s, parts);
  const worker = new Worker(QUEUES.email, (job, token) => processor(job, token), {
    connection: ctx.redis,
    prefix: ctx.prefix,
    concurrency: ctx.config.sendConcurrency ?? ctx.concurrency,
    // A job a dead worker took but had not claimed yet (its row still `queued`) comes back through
    // BullMQ's stalled check: within ~20 s instead of ~60 s with the defaults. Claimed rows do not
    // wait for this (the heartbeat sweep above).
    lockDuration: 15_000,
    stalledInterval: 5_000,
  });
  ctx.observe(worker);
  await worker.waitUntilReady();
  const closeRest = async () => {
    await Promise.all([parts.claimer.close(), recorder.close()]);
    await recovery.stop();
    resolver.cancel(); // lookups in flight end now (as failures) instead of at their timeout
    await parts.providers.close();
    transports.close();
    await parts.limiterRedis.quit().catch(() => parts.limiterRedis.disconnect());
    await pool?.end();
  };
  return [worker, { close: closeRest }];
};
