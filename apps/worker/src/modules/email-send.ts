// email.send: one Message row -> one SMTP transaction.
//
// Order: reload the row; skip it if gone, finished or suppressed; hold it if its pool, domain
// or identity is paused or the warm-up/provider limiter (one Lua script in Redis shared by every
// worker process) has no room; claim the row (queued|held|deferred -> sending, claimedAt,
// claimedBy) in one conditional UPDATE; only then talk SMTP through the identity's pooled
// transport; record the answer. 2xx -> sent. 5xx -> bounced + suppressed. 4xx or a connection
// that never reached the server -> deferred, retried with the backoff policy of packages/queue
// (a 421/4xx also backs the provider off for the whole pool).
//
// Delivery guarantee: AT MOST ONCE per message. A duplicate email costs more than a missing one
// (complaints, reputation, a lead who sees the same drip twice), so:
// - the claim is taken before SMTP and never handed out twice (the UPDATE is conditional);
// - a job that finds its row still `sending` means an earlier attempt died mid-send (worker
//   killed, OOM, host lost). We cannot know whether the server accepted the DATA. If the claim
//   is younger than `claimLeaseMs` (default 5 min) the earlier attempt might still be alive (a
//   stalled-job false positive), so the job waits out the lease; once the lease has passed with
//   no result, the row becomes `failed` with lastError "ambiguous: ... needs review" and is
//   never re-sent automatically. A person can re-queue it from the Outbox/logs.
// - an SMTP error without a server reply after the connection was up (socket closed during
//   DATA) is treated the same way: failed, needs review.
// Held mail (throttles, pauses, outside sending hours) is never dropped: the job is moved back
// to delayed and asks the limiter again, without spending a retry attempt.
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Db, WarmupPlan } from '@kindling/db';
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
  leadMergeVars,
  planLimits,
  providerOf,
  recordHardBounce,
  renderMergeTags,
  setBackoff,
  type Limit,
} from '@kindling/sending';
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

/** Builds the processor; exported for tests that drive it without BullMQ. */
export function createSendProcessor(ctx: WorkerContext, s: SendingSettings, transports: TransportPool) {
  const { db, redis, logger, config } = ctx;
  const clock = async (): Promise<number> => {
    if (!s.clockRedisKey) return Date.now();
    const v = Number(await redis.get(s.clockRedisKey));
    return Number.isFinite(v) && v > 0 ? v : Date.now();
  };
  const workerId = `${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

  // Plans change rarely (an edit, a pause); reading them once per message per pool would be
  // most of the pipeline's database work. A pause therefore takes effect within PLAN_CACHE_MS.
  const PLAN_CACHE_MS = 2_000;
  const planCache = new Map<string, { at: number; plans: Promise<WarmupPlan[]> }>();
  const plansFor = (workspaceId: string, pool: string, domain: string): Promise<WarmupPlan[]> => {
    const key = `${workspaceId}|${pool}|${domain}`;
    const hit = planCache.get(key);
    if (hit && Date.now() - hit.at < PLAN_CACHE_MS) return hit.plans;
    const plans = db.warmupPlan.findMany({ where: { workspaceId, OR: [{ scope: 'ip_pool', key: pool }, { scope: 'domain', key: domain }] } });
    if (planCache.size > 1000) planCache.clear();
    planCache.set(key, { at: Date.now(), plans });
    plans.catch(() => planCache.delete(key));
    return plans;
  };

  const hold = async (job: Job, token: string | undefined, messageId: string, retryAt: number, why: string, now: number) => {
    await db.message.updateMany({ where: { id: messageId, status: { in: ['queued', 'deferred', 'held'] } }, data: { status: 'held', lastError: why.slice(0, 500) } });
    const wait = Math.max(50, Math.min(retryAt - now, s.holdRecheckMs));
    await job.moveToDelayed(Date.now() + wait, token);
    // DelayedError tells BullMQ the job was moved back on purpose: no attempt is spent.
    throw new DelayedError();
  };

  return async function process(job: Job, token?: string): Promise<SendOutcome> {
    const parsed = emailSendPayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad email.send payload: ${parsed.error.message}`);
    const { messageId } = parsed.data;
    const m = await loadForSend(db, messageId);
    if (!m) return { result: 'skipped', reason: 'message gone' };
    if (['sent', 'bounced', 'failed', 'suppressed'].includes(m.status)) return { result: 'skipped', reason: `already ${m.status}` };
    const now = await clock();

    if (m.status === 'sending') {
      const age = Date.now() - (m.claimedAt?.getTime() ?? 0);
      if (age < s.claimLeaseMs) {
        await job.moveToDelayed(Date.now() + (s.claimLeaseMs - age) + 100, token);
        throw new DelayedError();
      }
      await db.message.updateMany({
        where: { id: m.id, status: 'sending' },
        data: { status: 'failed', lastError: `ambiguous: claimed by ${m.claimedBy ?? '?'} at ${m.claimedAt?.toISOString() ?? '?'} with no SMTP result; not re-sent (at-most-once), needs review` },
      });
      logger.warn({ messageId: m.id, claimedBy: m.claimedBy }, 'ambiguous claim: message marked failed, needs review');
      return { result: 'failed', reason: 'ambiguous claim' };
    }

    // Suppression list and lead state at send time.
    const email = m.toEmail.toLowerCase();
    const leadBlocked = m.lead && m.lead.status !== 'active';
    if (m.suppressedReason || leadBlocked) {
      await db.message.updateMany({
        where: { id: m.id, status: { in: ['queued', 'held', 'deferred'] } },
        data: { status: 'suppressed', lastError: m.suppressedReason ? `suppressed: ${m.suppressedReason}` : `lead ${m.lead?.status}` },
      });
      return { result: 'skipped', reason: 'suppressed' };
    }

    const identity = m.identity;
    const fromEmail = identity?.fromEmail ?? `no-reply@${s.returnPathDomain}`;
    const pool = identity?.ipPool ?? 'shared';
    const provider = providerOf(email);
    const tz = m.workspace.timeZone || 'UTC';

    // Pauses: identity, and the pool's / domain's warm-up plans (reputation guard).
    if (identity?.status === 'paused') return hold(job, token, m.id, now + s.holdRecheckMs, `held: identity paused (${identity.pausedReason ?? 'by a person'})`, now);
    // Warm-up and provider limits protect a relay's reputation; the dev mail catcher has none.
    const plans = identity?.smtpUrlEncrypted ? await plansFor(m.workspaceId, pool, domainOf(fromEmail)) : [];
    const paused = plans.find((p) => p.status === 'paused');
    if (paused) return hold(job, token, m.id, now + s.holdRecheckMs, `held: ${paused.scope} ${paused.key} paused (${paused.pausedReason ?? ''})`, now);

    // Throttles: every enabled plan's day/window/provider counters plus the provider back-off.
    const limits: Limit[] = [];
    for (const plan of plans.filter((p) => p.enabled)) {
      if (!inSendingHours(plan, now, tz)) return hold(job, token, m.id, now + s.holdRecheckMs, `held: outside sending hours of ${plan.scope} ${plan.key}`, now);
      limits.push(...planLimits(plan, { prefix: s.throttlePrefix, now, timeZone: tz, windowMs: s.throttleWindowMs, provider }));
    }
    const backoff = backoffKey(s.throttlePrefix, `${m.workspaceId}:${pool}`, provider);
    const got = await acquire(redis, limits, identity ? [backoff] : []);
    if (!got.ok) {
      const l = got.backoff ? null : limits[got.index];
      const why = got.backoff ? `held: ${provider} backing off after a 4xx` : `held: ${l?.label ?? 'cap'} reached`;
      return hold(job, token, m.id, got.backoff ? now + Math.max(got.value, 100) : (l?.resetAt ?? now + s.holdRecheckMs), why, now);
    }

    // Claim before SMTP: the conditional UPDATE hands the row to exactly one attempt.
    const claimed = await db.$executeRaw`
      UPDATE "Message" SET status = 'sending', "claimedAt" = now(), "claimedBy" = ${workerId},
        attempts = attempts + 1, "lastError" = NULL, "updatedAt" = now()
      WHERE id = ${m.id}::uuid AND status IN ('queued', 'held', 'deferred')`;
    if (claimed !== 1) return { result: 'skipped', reason: 'claimed elsewhere' };

    // Body: pre-rendered by the producer (html/text columns), else rendered from the step.
    const vars = m.lead ? leadMergeVars(m.lead) : { email };
    let html = m.html;
    let text = m.text;
    let preheader: string | null = null;
    if (!html) {
      const step = m.stepId ? await db.campaignStep.findUnique({ where: { id: m.stepId }, select: { config: true } }) : null;
      const cfg = ((step?.config as { email?: object } | null)?.email ?? step?.config ?? {}) as { html?: string; text?: string; preheader?: string };
      html = renderMergeTags(cfg.html ?? '', vars, { html: true });
      text = cfg.text ? renderMergeTags(cfg.text, vars) : null;
      preheader = cfg.preheader ? renderMergeTags(cfg.preheader, vars) : null;
    }
    const campaign =
      m.kind === 'campaign' && m.campaignId
        ? await db.campaign.findUnique({ where: { id: m.campaignId }, select: { trackOpens: true, trackClicks: true } })
        : null;
    const secret = config.appSecret;
    const dkim =
      identity?.dkimDomain && identity.dkimSelector && identity.dkimPrivateKeyEncrypted
        ? { domainName: identity.dkimDomain, keySelector: identity.dkimSelector, privateKey: decryptSecret(secret, identity.dkimPrivateKeyEncrypted) }
        : null;
    const options = buildMessage({
      message: { ...m, subject: renderMergeTags(m.subject, vars) },
      from: { name: identity?.fromName ?? m.workspace.name, email: fromEmail },
      replyTo: identity?.replyTo ?? null,
      html,
      text,
      preheader,
      postalAddress: m.workspace.postalAddress,
      workspaceName: m.workspace.name,
      tracking: campaign ? { opens: campaign.trackOpens, clicks: campaign.trackClicks } : { opens: false, clicks: false },
      appSecret: secret,
      trackingUrl: config.trackingUrl,
      returnPathDomain: identity?.returnPathDomain ?? identity?.dkimDomain ?? s.returnPathDomain,
      ipPool: pool,
      dkim,
      unsubscribe: m.kind !== 'confirmation',
    });
    const transport = identity?.smtpUrlEncrypted
      ? transports.get(identity.id, { url: decryptSecret(secret, identity.smtpUrlEncrypted), poolSize: identity.poolSize })
      : transports.get('dev-catcher', { url: `smtp://${devCatcher.host}:${devCatcher.port}?tls=off`, poolSize: 2 });

    try {
      const info = (await transport.sendMail(options)) as { response?: string };
      // The result is written without waiting for the WAL flush: if the database crashes before
      // it is durable, the row is still `sending`, which the rule above turns into `failed`
      // (never a re-send). The claim, which does prevent duplicates, is committed durably.
      // set_config(..., true) is SET LOCAL for this statement's own transaction: one round trip.
      await db.$executeRaw`
        UPDATE "Message" SET status = 'sent', "sentAt" = now(), "smtpResponse" = ${(info.response ?? '').slice(0, 1000)}, "updatedAt" = now()
        FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
        WHERE id = ${m.id}::uuid`;
      return { result: 'sent', response: info.response ?? '' };
    } catch (e) {
      const err = e as SmtpError;
      const answer = (err.response ?? err.message).slice(0, 1000);
      if (err.responseCode && err.responseCode >= 500) {
        await db.message.update({ where: { id: m.id }, data: { smtpResponse: answer } });
        await recordHardBounce(db, { workspaceId: m.workspaceId, email, messageId: m.id, leadId: m.leadId, detail: answer });
        await guard(db, m.workspaceId, pool, fromEmail, s);
        return { result: 'bounced', response: answer };
      }
      const neverConnected = !err.responseCode && (err.command === 'CONN' || ['ECONNECTION', 'ETIMEDOUT', 'EDNS', 'ECONNREFUSED'].includes(err.code ?? '')) && err.command !== 'DATA';
      if ((err.responseCode && err.responseCode >= 400) || neverConnected) {
        if (err.responseCode && identity) await setBackoff(redis, backoff, s.providerBackoffMs);
        const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        await db.message.update({
          where: { id: m.id },
          data: { status: last ? 'failed' : 'deferred', smtpResponse: err.responseCode ? answer : null, lastError: answer },
        });
        if (last) throw new UnrecoverableError(`gave up after ${job.attemptsMade + 1} attempts: ${answer}`);
        throw new Error(`deferred: ${answer}`);
      }
      await db.message.update({
        where: { id: m.id },
        data: { status: 'failed', lastError: `ambiguous: ${answer} (connection lost mid-conversation; not re-sent, needs review)` },
      });
      throw new UnrecoverableError(`ambiguous SMTP failure: ${answer}`);
    }
  };
}

interface SendRow {
  id: string;
  workspaceId: string;
  kind: 'campaign' | 'confirmation' | 'test';
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
  lead: { status: string; email: string; firstName: string | null; lastName: string | null; phone: string | null; customFields: unknown } | null;
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

async function guard(db: Db, workspaceId: string, pool: string, fromEmail: string, s: SendingSettings): Promise<void> {
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
  const transports = new TransportPool();
  const queue = new Queue(QUEUES.email, { connection: ctx.redis, prefix: ctx.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  const processor = createSendProcessor(ctx, s, transports);
  const worker = new Worker(QUEUES.email, (job, token) => processor(job, token), {
    connection: ctx.redis,
    prefix: ctx.prefix,
    concurrency: ctx.concurrency,
  });
  ctx.observe(worker);
  await worker.waitUntilReady();
  return [worker, queue, { close: () => Promise.resolve(transports.close()) }];
};
