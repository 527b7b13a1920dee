// Sending identities, warm-up plans with reputation, the dev mail catcher's Outbox, test sends,
// and (sending-review.ts) the messages awaiting review.
// Every query is scoped to auth.workspaceId. Secrets (SMTP URL, DKIM private key) are stored
// encrypted and never returned: the SMTP URL comes back with its password masked.
import { Queue } from 'bullmq';
import { z } from 'zod';
import {
  caughtMessageSchema,
  caughtMessageSummarySchema,
  createIdentitySchema,
  idParamSchema,
  identitySchema,
  sendTestResultSchema,
  sendTestSchema,
  updateIdentitySchema,
  updateWarmupSchema,
  warmupPlanSchema,
} from '@kindling/shared';
import type { SendingIdentity, WarmupPlan } from '@kindling/db';
import { createEgressGuard, EgressRefusedError } from '@kindling/egress';
import { DEFAULT_JOB_OPTIONS, QUEUES, enqueueEmailSend } from '@kindling/queue';
import {
  DEFAULT_WARMUP,
  capCurve,
  dailyCap,
  dayCounterKey,
  decryptSecret,
  dkimDnsRecord,
  domainOf,
  encryptSecret,
  evaluateReputation,
  generateDkimKeyPair,
  localDate,
  newMessageIdHeader,
  parseForDisplay,
  redactSmtpUrl,
  relayEndpoint,
  warmupDay,
} from '@kindling/sending';
import type { AppDeps } from '../deps.js';
import { AppError, notFound } from '../http/errors.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { reviewRoutes } from './sending-review.js';

/** Redis prefix of the worker's throttle counters (its default). */
const THROTTLE_PREFIX = 'kindling:thr';
const REPUTATION_WINDOW_MS = 7 * 86_400_000;
const REPUTATION_MIN_SAMPLE = 100;

/** Sending identities, warm-up, reputation, Outbox and test sends. */
export function sendingRoutes(deps: AppDeps): AnyRoute[] {
  const { db, redis, config } = deps;
  let queue: Queue | null = null;
  const emailQueue = () =>
    (queue ??= new Queue(QUEUES.email, {
      connection: redis,
      prefix: config.queuePrefix ?? 'bull',
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    }));

  const egress = createEgressGuard(config.egress);

  /**
   * Refuses (422) a relay the egress guard refuses now. A name that does not resolve yet is
   * accepted: the worker checks the relay again at every connect, so this is early feedback only.
   */
  async function assertRelayAllowed(smtpUrl: string | null | undefined): Promise<void> {
    if (!smtpUrl) return;
    const { host, port } = relayEndpoint(smtpUrl);
    try {
      await egress.check(host, port);
    } catch (err) {
      if (!(err instanceof EgressRefusedError)) return;
      throw new AppError('validation_failed', `SMTP relay refused: ${err.message}`, [
        { field: 'smtpUrl', issue: err.message },
      ]);
    }
  }

  const view = (i: SendingIdentity) => {
    let smtpUrl: string | null = null;
    if (i.smtpUrlEncrypted) {
      try {
        smtpUrl = redactSmtpUrl(decryptSecret(config.appSecret, i.smtpUrlEncrypted));
      } catch {
        smtpUrl = '(cannot be decrypted with the current APP_SECRET: enter it again)';
      }
    }
    const rec =
      i.dkimDomain && i.dkimSelector && i.dkimPublicKey
        ? dkimDnsRecord(i.dkimDomain, i.dkimSelector, i.dkimPublicKey)
        : null;
    return {
      id: i.id,
      name: i.name,
      fromName: i.fromName,
      fromEmail: i.fromEmail,
      replyTo: i.replyTo,
      smtpUrl,
      poolSize: i.poolSize,
      ipPool: i.ipPool,
      returnPathDomain: i.returnPathDomain,
      dkim:
        rec && i.dkimDomain && i.dkimSelector
          ? {
              domain: i.dkimDomain,
              selector: i.dkimSelector,
              dnsName: rec.name,
              dnsValue: rec.value,
            }
          : null,
      status: i.status,
      pausedReason: i.pausedReason,
      createdAt: i.createdAt.toISOString(),
    };
  };

  /** A warm-up plan per IP pool and per sending domain, created with the default curve when missing. */
  async function ensurePlans(workspaceId: string, ipPool: string, fromEmail: string) {
    for (const [scope, key] of [
      ['ip_pool', ipPool],
      ['domain', domainOf(fromEmail)],
    ] as const) {
      await db.warmupPlan.upsert({
        where: { workspaceId_scope_key: { workspaceId, scope, key } },
        create: { workspaceId, scope, key, ...DEFAULT_WARMUP },
        update: {},
      });
    }
  }

  async function planView(p: WarmupPlan, timeZone: string, now: number) {
    const day = warmupDay(p.startedAt, now, timeZone);
    const used = Number(
      (await redis.get(dayCounterKey(THROTTLE_PREFIX, p.id, localDate(now, timeZone)))) ?? 0,
    );
    const identityFilter =
      p.scope === 'ip_pool'
        ? { ipPool: p.key }
        : { fromEmail: { endsWith: `@${p.key}`, mode: 'insensitive' as const } };
    const held = await db.message.count({
      where: { workspaceId: p.workspaceId, status: 'held', identity: identityFilter },
    });
    const [rep] = await evaluateReputation(db, p.workspaceId, {
      windowMs: REPUTATION_WINDOW_MS,
      minSample: REPUTATION_MIN_SAMPLE,
      keys: [{ scope: p.scope, key: p.key }],
    });
    const fresh =
      rep && rep.status === 'paused' && p.status !== 'paused'
        ? await db.warmupPlan.findUniqueOrThrow({ where: { id: p.id } })
        : p;
    return {
      id: p.id,
      scope: p.scope,
      key: p.key,
      enabled: p.enabled,
      startedAt: p.startedAt.toISOString(),
      startVolume: p.startVolume,
      growthFactor: p.growthFactor,
      targetVolume: p.targetVolume,
      schedule: p.schedule,
      providerCaps: (p.providerCaps ?? {}) as Record<string, number>,
      sendStartHour: p.sendStartHour,
      sendEndHour: p.sendEndHour,
      complaintWarn: p.complaintWarn,
      complaintPause: p.complaintPause,
      bounceWarn: p.bounceWarn,
      bouncePause: p.bouncePause,
      status: fresh.status,
      pausedReason: fresh.pausedReason,
      day,
      todayCap: p.enabled ? dailyCap(p, day) : 0,
      todayUsed: used,
      held,
      curve: capCurve(p, 30),
      reputation: {
        sent: rep?.stats.sent ?? 0,
        bounces: rep?.stats.bounces ?? 0,
        complaints: rep?.stats.complaints ?? 0,
        bounceRate: rep?.stats.bounceRate ?? 0,
        complaintRate: rep?.stats.complaintRate ?? 0,
        level: rep?.status ?? 'ok',
        reason: rep?.reason ?? null,
      },
    };
  }

  const identityData = (b: z.output<typeof updateIdentitySchema>) => ({
    ...(b.name !== undefined ? { name: b.name } : {}),
    ...(b.fromName !== undefined ? { fromName: b.fromName } : {}),
    ...(b.fromEmail !== undefined ? { fromEmail: b.fromEmail.toLowerCase() } : {}),
    ...(b.replyTo !== undefined ? { replyTo: b.replyTo || null } : {}),
    ...(b.smtpUrl !== undefined
      ? { smtpUrlEncrypted: b.smtpUrl ? encryptSecret(config.appSecret, b.smtpUrl) : null }
      : {}),
    ...(b.poolSize !== undefined ? { poolSize: b.poolSize } : {}),
    ...(b.ipPool !== undefined ? { ipPool: b.ipPool } : {}),
    ...(b.returnPathDomain !== undefined ? { returnPathDomain: b.returnPathDomain || null } : {}),
    ...(b.dkimSelector !== undefined ? { dkimSelector: b.dkimSelector } : {}),
  });

  const dkimData = (fromEmail: string, selector?: string) => {
    const keys = generateDkimKeyPair();
    return {
      dkimDomain: domainOf(fromEmail),
      dkimSelector: selector ?? `kindling${new Date().getUTCFullYear()}`,
      dkimPrivateKeyEncrypted: encryptSecret(config.appSecret, keys.privateKeyPem),
      dkimPublicKey: keys.publicKey,
    };
  };

  async function ownIdentity(workspaceId: string, id: string) {
    const i = await db.sendingIdentity.findFirst({ where: { id, workspaceId } });
    if (!i) throw notFound('Sending identity');
    return i;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/sending/identities',
      summary: 'Sending identities',
      tag: 'sending',
      auth: 'any',
      permission: 'read',
      response: z.array(identitySchema),
      handler: async ({ auth }) =>
        (
          await db.sendingIdentity.findMany({
            where: { workspaceId: auth.workspaceId },
            orderBy: { createdAt: 'asc' },
          })
        ).map(view),
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/identities',
      summary: 'Create a sending identity (optionally generating its DKIM key pair)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      body: createIdentitySchema,
      response: identitySchema,
      status: 201,
      handler: async ({ auth, body }) => {
        await assertRelayAllowed(body.smtpUrl);
        const fromEmail = body.fromEmail.toLowerCase();
        const i = await db.sendingIdentity.create({
          data: {
            workspaceId: auth.workspaceId,
            name: body.name,
            fromName: body.fromName,
            fromEmail,
            ...identityData({
              ...body,
              name: undefined,
              fromName: undefined,
              fromEmail: undefined,
            }),
            ...(body.generateDkim ? dkimData(fromEmail, body.dkimSelector) : {}),
          },
        });
        await ensurePlans(auth.workspaceId, i.ipPool, i.fromEmail);
        return view(i);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/sending/identities/:id',
      summary: 'Change a sending identity (an empty smtpUrl switches to the dev mail catcher)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      body: updateIdentitySchema,
      response: identitySchema,
      handler: async ({ auth, params, body }) => {
        await ownIdentity(auth.workspaceId, params.id);
        await assertRelayAllowed(body.smtpUrl);
        const i = await db.sendingIdentity.update({
          where: { id: params.id },
          data: identityData(body),
        });
        await ensurePlans(auth.workspaceId, i.ipPool, i.fromEmail);
        return view(i);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/identities/:id/dkim',
      summary: 'Generate a new DKIM key pair (publish the new TXT record before sending)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      response: identitySchema,
      handler: async ({ auth, params }) => {
        const cur = await ownIdentity(auth.workspaceId, params.id);
        const i = await db.sendingIdentity.update({
          where: { id: cur.id },
          data: dkimData(cur.fromEmail, cur.dkimSelector ?? undefined),
        });
        return view(i);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/identities/:id/resume',
      summary: 'Resume a paused identity',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      response: identitySchema,
      handler: async ({ auth, params }) => {
        await ownIdentity(auth.workspaceId, params.id);
        return view(
          await db.sendingIdentity.update({
            where: { id: params.id },
            data: { status: 'active', pausedReason: null, pausedAt: null },
          }),
        );
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/sending/identities/:id',
      summary: 'Delete a sending identity',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      status: 204,
      handler: async ({ auth, params }) => {
        await ownIdentity(auth.workspaceId, params.id);
        await db.sendingIdentity.delete({ where: { id: params.id } });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/sending/warmup',
      summary: "Warm-up plans: day N, today's cap and use, held mail, reputation",
      tag: 'sending',
      auth: 'any',
      permission: 'read',
      response: z.array(warmupPlanSchema),
      handler: async ({ auth }) => {
        const ws = await db.workspace.findUniqueOrThrow({ where: { id: auth.workspaceId } });
        const plans = await db.warmupPlan.findMany({
          where: { workspaceId: auth.workspaceId },
          orderBy: [{ scope: 'asc' }, { key: 'asc' }],
        });
        const now = Date.now();
        return Promise.all(plans.map((p) => planView(p, ws.timeZone, now)));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/sending/warmup/:id',
      summary: 'Edit a warm-up plan (curve, explicit schedule, provider shares, hours, thresholds)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      body: updateWarmupSchema,
      response: warmupPlanSchema,
      handler: async ({ auth, params, body }) => {
        const cur = await db.warmupPlan.findFirst({
          where: { id: params.id, workspaceId: auth.workspaceId },
        });
        if (!cur) throw notFound('Warm-up plan');
        const start = body.sendStartHour ?? cur.sendStartHour;
        const end = body.sendEndHour ?? cur.sendEndHour;
        if (end <= start)
          throw new AppError('validation_failed', 'Sending hours must end after they start', [
            { field: 'sendEndHour', issue: 'must be after the start hour' },
          ]);
        const p = await db.warmupPlan.update({ where: { id: cur.id }, data: body });
        const ws = await db.workspace.findUniqueOrThrow({ where: { id: auth.workspaceId } });
        return planView(p, ws.timeZone, Date.now());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/warmup/:id/resume',
      summary: 'Resume sending on a pool or domain the reputation guard paused',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      params: idParamSchema,
      response: warmupPlanSchema,
      handler: async ({ auth, params }) => {
        const cur = await db.warmupPlan.findFirst({
          where: { id: params.id, workspaceId: auth.workspaceId },
        });
        if (!cur) throw notFound('Warm-up plan');
        const p = await db.warmupPlan.update({
          where: { id: cur.id },
          data: { status: 'active', pausedReason: null, pausedAt: null },
        });
        const ws = await db.workspace.findUniqueOrThrow({ where: { id: auth.workspaceId } });
        return planView(p, ws.timeZone, Date.now());
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/sending/outbox',
      summary: 'Messages caught by the built-in dev mail catcher, newest first',
      tag: 'sending',
      auth: 'any',
      permission: 'read',
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: z.array(caughtMessageSummarySchema),
      handler: async ({ auth, query }) => {
        const rows = await db.caughtMessage.findMany({
          where: { workspaceId: auth.workspaceId },
          orderBy: { receivedAt: 'desc' },
          take: query.limit,
          select: {
            id: true,
            messageId: true,
            envelopeFrom: true,
            envelopeTo: true,
            subject: true,
            size: true,
            receivedAt: true,
          },
        });
        return rows.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/sending/outbox/:id',
      summary: 'One caught message: headers, HTML and text parts, raw source',
      tag: 'sending',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: caughtMessageSchema,
      handler: async ({ auth, params }) => {
        const r = await db.caughtMessage.findFirst({
          where: { id: params.id, workspaceId: auth.workspaceId },
        });
        if (!r) throw notFound('Message');
        const { headers, html, text } = await parseForDisplay(r.raw);
        return {
          id: r.id,
          messageId: r.messageId,
          envelopeFrom: r.envelopeFrom,
          envelopeTo: r.envelopeTo,
          subject: r.subject,
          size: r.size,
          receivedAt: r.receivedAt.toISOString(),
          headers,
          html,
          text,
          raw: r.raw,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/sending/test',
      summary: 'Send a test message through an identity (or the dev mail catcher)',
      tag: 'sending',
      auth: 'any',
      role: 'admin',
      body: sendTestSchema,
      response: sendTestResultSchema,
      status: 202,
      handler: async ({ auth, body }) => {
        const identity = body.identityId
          ? await ownIdentity(auth.workspaceId, body.identityId)
          : null;
        const ws = await db.workspace.findUniqueOrThrow({ where: { id: auth.workspaceId } });
        const m = await db.message.create({
          data: {
            workspaceId: auth.workspaceId,
            kind: 'test',
            identityId: identity?.id ?? null,
            toEmail: body.toEmail.toLowerCase(),
            subject: `Test message from ${ws.name}`,
            html: `<p>This is a test message from <strong>Kindling</strong>, sent through ${identity ? `the identity “${identity.name}”` : 'the built-in dev mail catcher'}.</p>`,
            text: null,
            messageIdHeader: newMessageIdHeader(
              identity ? domainOf(identity.fromEmail) : 'kindling.local',
            ),
          },
        });
        await enqueueEmailSend(emailQueue(), m.id);
        return { messageId: m.id };
      },
    }),
    ...reviewRoutes(deps, emailQueue),
  ];
}
