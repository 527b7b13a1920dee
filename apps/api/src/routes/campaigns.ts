// Campaigns: CRUD of the builder document, lifecycle (draft → active → paused → archived),
// enrollment through the one service, preview, test sends and per-step statistics. Every query
// is scoped to auth.workspaceId; another workspace's campaign answers 404.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  BUILTIN_MERGE_TAGS,
  campaignInputSchema,
  emailStepConfigSchema,
  enrollLeadsSchema,
  idParamSchema,
  campaignListSchema,
  campaignOptionsSchema,
  campaignPreviewSchema,
  campaignStatsSchema,
  campaignViewSchema,
  campaignWithProblemsSchema,
  enrollResultSchema,
  enrollmentActionSchema,
  enrollmentListSchema,
  testSendResultSchema,
  type CampaignDocument,
  type CampaignProblem,
} from '@kindling/shared';
import {
  Prisma,
  type Campaign,
  type CampaignStep,
  type CampaignTrigger,
  type Db,
} from '@kindling/db';
import { enqueueEmailSend } from '@kindling/queue';
import {
  enrollMany,
  pauseCampaign,
  pauseEnrollment,
  renderStepEmail,
  resumeCampaign,
  resumeEnrollment,
  validateCampaign,
  withPreheader,
} from '@kindling/campaigns';
import type { AppDeps } from '../deps.js';
import { emailQueue } from '../email-queue.js';
import { AppError, notFound } from '../http/errors.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { assertOwnReferences } from './campaign-references.js';

type FullCampaign = Campaign & { steps: CampaignStep[]; triggers: CampaignTrigger[] };

/** The builder document of a stored campaign (live steps only, in order). */
function toDocument(c: FullCampaign): CampaignDocument {
  return {
    name: c.name,
    identityId: c.identityId,
    sendWindow: (c.sendWindow as CampaignDocument['sendWindow']) ?? null,
    exitRules: { unsubscribed: true, bounced: true, complained: true, ...(c.exitRules as object) },
    allowReenroll: c.allowReenroll,
    trackOpens: c.trackOpens,
    trackClicks: c.trackClicks,
    triggers: c.triggers.map((t) => ({
      type: t.type,
      ...(t.formId ? { formId: t.formId } : {}),
      ...(t.tag ? { tag: t.tag } : {}),
    })),
    steps: c.steps
      .filter((s) => !s.deletedAt)
      .sort((a, b) => a.position - b.position)
      .map(
        (s) => ({ id: s.id, type: s.type, config: s.config }) as CampaignDocument['steps'][number],
      ),
  };
}

const view = (c: FullCampaign) => ({
  id: c.id,
  status: c.status,
  activatedAt: c.activatedAt?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
  ...toDocument(c),
});

/** Everything in the workspace a campaign may refer to. */
async function validationContext(db: Db, workspaceId: string) {
  const [forms, identities, fields, leadKeys] = await Promise.all([
    db.form.findMany({
      where: { workspaceId },
      select: { id: true, name: true, status: true },
      orderBy: { createdAt: 'asc' },
    }),
    db.sendingIdentity.findMany({
      where: { workspaceId },
      select: { id: true, name: true, fromName: true, fromEmail: true, status: true },
      orderBy: { createdAt: 'asc' },
    }),
    db.formField.findMany({
      where: { form: { workspaceId } },
      select: { key: true },
      distinct: ['key'],
    }),
    // Keys of custom fields leads actually carry (imports, the API), sampled cheaply.
    db.$queryRaw<{ key: string }[]>`
      SELECT DISTINCT jsonb_object_keys("customFields") AS key
      FROM (SELECT "customFields" FROM "Lead" WHERE "workspaceId" = ${workspaceId}::uuid
            AND "customFields" <> '{}'::jsonb ORDER BY "createdAt" DESC LIMIT 1000) l`,
  ]);
  const builtins = new Set<string>(BUILTIN_MERGE_TAGS);
  const customFields = [...new Set([...fields.map((f) => f.key), ...leadKeys.map((k) => k.key)])]
    .filter((k) => !builtins.has(k))
    .sort();
  return {
    forms,
    identities,
    customFields,
    formIds: forms.map((f) => f.id),
    identityIds: identities.map((i) => i.id),
  };
}

async function loadCampaign(db: Db, workspaceId: string, id: string): Promise<FullCampaign> {
  const c = await db.campaign.findFirst({
    where: { id, workspaceId },
    include: { steps: { orderBy: { position: 'asc' } }, triggers: true },
  });
  if (!c) throw notFound('Campaign');
  return c;
}

function problemsError(problems: CampaignProblem[], message: string): AppError {
  return new AppError(
    'validation_failed',
    message,
    problems.map((p) => ({ field: p.path || '(campaign)', issue: p.message })),
  );
}

/**
 * Saves a builder document. Steps keep their ids: a changed step applies to enrollments that
 * have not reached it yet; a removed step is soft-deleted and enrollments waiting on it move on
 * to the next step at once (the runner hands them over).
 */
async function saveDocument(
  db: Db,
  workspaceId: string,
  campaignId: string,
  doc: CampaignDocument,
  now: Date,
) {
  await db.$transaction(async (tx: Prisma.TransactionClient) => {
    const existing = await tx.campaignStep.findMany({ where: { campaignId } });
    const keep = new Set(doc.steps.map((s) => s.id));
    const removed = existing.filter((s) => !s.deletedAt && !keep.has(s.id));
    await tx.campaign.update({
      where: { id: campaignId },
      data: {
        name: doc.name,
        identityId: doc.identityId,
        sendWindow: doc.sendWindow ?? Prisma.DbNull,
        exitRules: doc.exitRules,
        allowReenroll: doc.allowReenroll,
        trackOpens: doc.trackOpens,
        trackClicks: doc.trackClicks,
      },
    });
    await tx.campaignTrigger.deleteMany({ where: { campaignId } });
    if (doc.triggers.length) {
      await tx.campaignTrigger.createMany({
        data: doc.triggers.map((t) => ({
          campaignId,
          type: t.type,
          formId: t.type === 'form_submission' ? t.formId : null,
          tag: t.type === 'tag_added' ? t.tag : null,
        })),
      });
    }
    if (removed.length) {
      await tx.enrollment.updateMany({
        where: {
          campaignId,
          currentStepId: { in: removed.map((s) => s.id) },
          status: { in: ['active', 'paused'] },
        },
        data: { nextRunAt: now },
      });
    }
    // Live steps take even positions; every removed step (now or earlier) takes the odd slot just
    // before the step that followed it, so the runner hands a lead waiting on it to that step.
    const newPos = new Map(doc.steps.map((s, i) => [s.id as string, 2 * i]));
    const oldOrder = [...existing].sort((a, b) => a.position - b.position);
    for (const [i, s] of oldOrder.entries()) {
      if (newPos.has(s.id)) continue;
      const follower = oldOrder.slice(i + 1).find((t) => newPos.has(t.id));
      await tx.campaignStep.update({
        where: { id: s.id },
        data: {
          deletedAt: s.deletedAt ?? now,
          position: follower ? newPos.get(follower.id)! - 1 : 2 * doc.steps.length + 1,
        },
      });
    }
    const own = new Map(existing.map((s) => [s.id, s]));
    for (const [i, s] of doc.steps.entries()) {
      const id = s.id as string;
      const position = 2 * i;
      if (own.has(id)) {
        await tx.campaignStep.update({
          where: { id },
          data: { position, type: s.type, config: s.config, deletedAt: null },
        });
      } else {
        await tx.campaignStep.create({
          data: { id, campaignId, position, type: s.type, config: s.config },
        });
      }
    }
  });
}

/** Assigns ids to new steps and rejects ids that belong to another campaign. */
async function withStepIds(
  db: Db,
  campaignId: string | null,
  doc: CampaignDocument,
): Promise<CampaignDocument> {
  const ids = doc.steps.map((s) => s.id).filter((x): x is string => !!x);
  if (new Set(ids).size !== ids.length)
    throw new AppError('validation_failed', 'Two steps share an id', [
      { field: 'steps', issue: 'Duplicate step id' },
    ]);
  if (ids.length) {
    const foreign = await db.campaignStep.count({
      where: { id: { in: ids }, ...(campaignId ? { campaignId: { not: campaignId } } : {}) },
    });
    if (foreign > 0)
      throw new AppError('validation_failed', 'A step belongs to another campaign', [
        { field: 'steps', issue: 'Unknown step id' },
      ]);
  }
  return { ...doc, steps: doc.steps.map((s) => ({ ...s, id: s.id ?? randomUUID() })) };
}

async function stats(db: Db, campaignId: string) {
  const [byStatus, byStep, byReason, msgByStep, events] = await Promise.all([
    db.enrollment.groupBy({ by: ['status'], where: { campaignId }, _count: { _all: true } }),
    db.enrollment.groupBy({
      by: ['currentStepId', 'status'],
      where: { campaignId, status: { in: ['active', 'paused', 'exited'] } },
      _count: { _all: true },
    }),
    db.enrollment.groupBy({
      by: ['exitReason'],
      where: { campaignId, status: 'exited' },
      _count: { _all: true },
    }),
    db.message.groupBy({
      by: ['stepId', 'status'],
      where: { campaignId, kind: 'campaign' },
      _count: { _all: true },
    }),
    // Human opens/clicks count each message once; unsubscribes are attributed to the message.
    db.$queryRaw<{ stepId: string; type: string; n: bigint }[]>`
      SELECT m."stepId", t.type::text AS type, COUNT(DISTINCT t."messageId") AS n
      FROM "TrackingEvent" t JOIN "Message" m ON m.id = t."messageId"
      WHERE m."campaignId" = ${campaignId}::uuid AND m.kind = 'campaign' AND t.machine = false
      GROUP BY m."stepId", t.type`,
  ]);
  const count = (s: string) => byStatus.find((b) => b.status === s)?._count._all ?? 0;
  const steps: Record<
    string,
    {
      waiting: number;
      paused: number;
      exited: number;
      sent: number;
      bounced: number;
      queued: number;
      failed: number;
      opens: number;
      clicks: number;
      unsubscribed: number;
      complaints: number;
    }
  > = {};
  const at = (id: string) =>
    (steps[id] ??= {
      waiting: 0,
      paused: 0,
      exited: 0,
      sent: 0,
      bounced: 0,
      queued: 0,
      failed: 0,
      opens: 0,
      clicks: 0,
      unsubscribed: 0,
      complaints: 0,
    });
  for (const r of byStep) {
    if (!r.currentStepId) continue;
    const s = at(r.currentStepId);
    if (r.status === 'active') s.waiting += r._count._all;
    else if (r.status === 'paused') s.paused += r._count._all;
    else s.exited += r._count._all;
  }
  for (const r of msgByStep) {
    if (!r.stepId) continue;
    const s = at(r.stepId);
    const n = r._count._all;
    if (r.status === 'sent') s.sent += n;
    else if (r.status === 'bounced') s.bounced += n;
    else if (r.status === 'failed' || r.status === 'suppressed') s.failed += n;
    else s.queued += n;
  }
  for (const e of events) {
    const s = at(e.stepId);
    const n = Number(e.n);
    if (e.type === 'open') s.opens += n;
    else if (e.type === 'click') s.clicks += n;
    else if (e.type === 'unsubscribe') s.unsubscribed += n;
    else if (e.type === 'complaint') s.complaints += n;
    else if (e.type === 'bounce') s.bounced = Math.max(s.bounced, n);
  }
  return {
    enrolled: byStatus.reduce((a, b) => a + b._count._all, 0),
    active: count('active'),
    paused: count('paused'),
    completed: count('completed'),
    exited: count('exited'),
    exitedByReason: Object.fromEntries(
      byReason.map((r) => [r.exitReason ?? 'unknown', r._count._all]),
    ),
    steps,
  };
}

const previewSchema = z.object({
  stepId: z.uuid().optional(),
  /** Unsaved builder content; wins over stepId. */
  config: emailStepConfigSchema.optional(),
  leadId: z.uuid().optional(),
});
const listQuery = z.object({
  status: z.enum(['draft', 'active', 'paused', 'archived']).optional(),
});

/** Campaign routes. */
export function campaignRoutes(deps: AppDeps): AnyRoute[] {
  const { db } = deps;

  async function renderFor(
    workspaceId: string,
    campaignId: string,
    body: z.infer<typeof previewSchema>,
  ) {
    const c = await loadCampaign(db, workspaceId, campaignId);
    let config = body.config;
    if (!config) {
      const step = c.steps.find((s) => s.id === body.stepId && s.type === 'email');
      if (!step)
        throw new AppError('validation_failed', 'Pick an email step', [
          { field: 'stepId', issue: 'Not an email step of this campaign' },
        ]);
      config = emailStepConfigSchema.parse(step.config);
    }
    const lead = body.leadId
      ? await db.lead.findFirst({ where: { id: body.leadId, workspaceId } })
      : await db.lead.findFirst({ where: { workspaceId }, orderBy: { createdAt: 'desc' } });
    if (body.leadId && !lead) throw notFound('Lead');
    const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    const sample = lead ?? {
      id: null,
      email: 'jane@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
      phone: null,
      customFields: {},
    };
    return { campaign: c, config, lead: sample, rendered: renderStepEmail(config, sample, ws) };
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/campaigns',
      summary: 'List campaigns with enrollment counts',
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      query: listQuery,
      response: campaignListSchema,
      handler: async ({ auth, query }) => {
        const list = await db.campaign.findMany({
          where: {
            workspaceId: auth.workspaceId,
            ...(query.status ? { status: query.status } : { status: { not: 'archived' } }),
          },
          orderBy: { createdAt: 'desc' },
          include: { steps: { where: { deletedAt: null }, select: { type: true } } },
        });
        const counts = await db.enrollment.groupBy({
          by: ['campaignId', 'status'],
          where: { campaignId: { in: list.map((c) => c.id) } },
          _count: { _all: true },
        });
        const sent = await db.message.groupBy({
          by: ['campaignId'],
          where: { campaignId: { in: list.map((c) => c.id) }, kind: 'campaign', status: 'sent' },
          _count: { _all: true },
        });
        return {
          campaigns: list.map((c) => {
            const mine = counts.filter((x) => x.campaignId === c.id);
            return {
              id: c.id,
              name: c.name,
              status: c.status,
              emails: c.steps.filter((s) => s.type === 'email').length,
              steps: c.steps.length,
              enrolled: mine.reduce((a, b) => a + b._count._all, 0),
              active: mine.find((x) => x.status === 'active')?._count._all ?? 0,
              sent: sent.find((x) => x.campaignId === c.id)?._count._all ?? 0,
              updatedAt: c.updatedAt.toISOString(),
            };
          }),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/campaigns/options',
      summary: 'Forms, sending identities and merge tags a campaign may use',
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      response: campaignOptionsSchema,
      handler: async ({ auth }) => {
        const ctx = await validationContext(db, auth.workspaceId);
        return {
          forms: ctx.forms,
          identities: ctx.identities,
          customFields: ctx.customFields,
          builtinTags: BUILTIN_MERGE_TAGS,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns',
      summary: 'Create a draft campaign',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:write',
      status: 201,
      body: campaignInputSchema,
      response: campaignViewSchema,
      handler: async ({ auth, body }) => {
        const doc = await withStepIds(db, null, body);
        await assertOwnReferences(db, auth.workspaceId, doc);
        const c = await db.campaign.create({
          data: { workspaceId: auth.workspaceId, name: doc.name, status: 'draft' },
        });
        await saveDocument(db, auth.workspaceId, c.id, doc, new Date());
        return view(await loadCampaign(db, auth.workspaceId, c.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/campaigns/:id',
      summary: 'A campaign, its activation problems and statistics',
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: campaignWithProblemsSchema,
      handler: async ({ auth, params }) => {
        const c = await loadCampaign(db, auth.workspaceId, params.id);
        const ctx = await validationContext(db, auth.workspaceId);
        return { ...view(c), problems: validateCampaign(toDocument(c), ctx) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/campaigns/:id',
      summary: 'Save the whole campaign (steps keep their ids)',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:write',
      params: idParamSchema,
      body: campaignInputSchema,
      response: campaignWithProblemsSchema,
      handler: async ({ auth, params, body }) => {
        const c = await loadCampaign(db, auth.workspaceId, params.id);
        if (c.status === 'archived')
          throw new AppError('conflict', 'An archived campaign cannot be edited');
        const doc = await withStepIds(db, c.id, body);
        await assertOwnReferences(db, auth.workspaceId, doc);
        if (c.status !== 'draft') {
          // A live campaign must stay valid: nobody should find a blank merge tag in their inbox.
          const problems = validateCampaign(doc, await validationContext(db, auth.workspaceId));
          if (problems.length)
            throw problemsError(
              problems,
              `This ${c.status} campaign would not be valid; nothing was saved`,
            );
        }
        await saveDocument(db, auth.workspaceId, c.id, doc, new Date());
        const saved = await loadCampaign(db, auth.workspaceId, c.id);
        return {
          ...view(saved),
          problems: validateCampaign(
            toDocument(saved),
            await validationContext(db, auth.workspaceId),
          ),
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/campaigns/:id',
      summary: 'Delete a draft that never ran (others are archived instead)',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:write',
      params: idParamSchema,
      status: 204,
      handler: async ({ auth, params }) => {
        const c = await loadCampaign(db, auth.workspaceId, params.id);
        const ran = await db.enrollment.count({ where: { campaignId: c.id } });
        if (c.status !== 'draft' || ran > 0)
          throw new AppError(
            'conflict',
            'Only a draft that never enrolled anyone can be deleted; archive it instead',
          );
        await db.campaign.delete({ where: { id: c.id } });
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/activate',
      summary: 'Validate the whole campaign and make it active (every problem is listed)',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:send',
      params: idParamSchema,
      response: campaignViewSchema,
      handler: async ({ auth, params }) => {
        const c = await loadCampaign(db, auth.workspaceId, params.id);
        if (c.status === 'active') return view(c);
        if (c.status === 'archived')
          throw new AppError('conflict', 'An archived campaign cannot be activated');
        const problems = validateCampaign(
          toDocument(c),
          await validationContext(db, auth.workspaceId),
        );
        if (problems.length)
          throw problemsError(
            problems,
            `Fix ${problems.length} problem${problems.length === 1 ? '' : 's'} before activating`,
          );
        await db.campaign.update({
          where: { id: c.id },
          data: { status: 'active', activatedAt: c.activatedAt ?? new Date() },
        });
        return view(await loadCampaign(db, auth.workspaceId, c.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/pause',
      summary: 'Pause an active campaign (nothing is sent until resumed)',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:write',
      params: idParamSchema,
      response: campaignViewSchema,
      handler: async ({ auth, params }) => {
        await loadCampaign(db, auth.workspaceId, params.id);
        if (!(await pauseCampaign(db, auth.workspaceId, params.id)))
          throw new AppError('conflict', 'Only an active campaign can be paused');
        return view(await loadCampaign(db, auth.workspaceId, params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/resume',
      summary: 'Resume a paused campaign; steps that fell due run at the next sweep',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:send',
      params: idParamSchema,
      response: campaignViewSchema,
      handler: async ({ auth, params }) => {
        await loadCampaign(db, auth.workspaceId, params.id);
        if (!(await resumeCampaign(db, auth.workspaceId, params.id)))
          throw new AppError('conflict', 'Only a paused campaign can be resumed');
        return view(await loadCampaign(db, auth.workspaceId, params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/archive',
      summary: 'Archive a campaign: live enrollments exit, nothing more is sent',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:send',
      params: idParamSchema,
      response: campaignViewSchema,
      handler: async ({ auth, params }) => {
        const c = await loadCampaign(db, auth.workspaceId, params.id);
        await db.$transaction([
          db.campaign.update({ where: { id: c.id }, data: { status: 'archived' } }),
          db.enrollment.updateMany({
            where: { campaignId: c.id, status: { in: ['active', 'paused'] } },
            data: {
              status: 'exited',
              exitReason: 'archived',
              nextRunAt: null,
              completedAt: new Date(),
            },
          }),
        ]);
        return view(await loadCampaign(db, auth.workspaceId, c.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/enrollments',
      summary: 'Enroll leads by id or email (manual, API and bulk selections use this)',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:send',
      params: idParamSchema,
      body: enrollLeadsSchema,
      response: enrollResultSchema,
      handler: async ({ auth, params, body }) => {
        const c = await loadCampaign(db, auth.workspaceId, params.id);
        if (c.status !== 'active')
          throw new AppError('conflict', 'Activate the campaign before enrolling leads');
        if (!body.leadIds?.length && !body.emails?.length) {
          throw new AppError('validation_failed', 'Give leadIds or emails', [
            { field: 'leadIds', issue: 'Required' },
          ]);
        }
        const leads = await db.lead.findMany({
          where: {
            workspaceId: auth.workspaceId,
            OR: [
              ...(body.leadIds?.length ? [{ id: { in: body.leadIds } }] : []),
              ...(body.emails?.length ? [{ email: { in: body.emails } }] : []),
            ],
          },
          select: { id: true },
        });
        const source = auth.kind === 'apiKey' ? 'api' : 'manual';
        const enrolled = await enrollMany(db, {
          workspaceId: auth.workspaceId,
          campaignId: c.id,
          leadIds: leads.map((l) => l.id),
          source,
        });
        const requested = (body.leadIds?.length ?? 0) + (body.emails?.length ?? 0);
        return {
          enrolled,
          skipped: leads.length - enrolled,
          notFound: Math.max(0, requested - leads.length),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/campaigns/:id/enrollments',
      summary: 'The latest enrollments of a campaign',
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: enrollmentListSchema,
      handler: async ({ auth, params }) => {
        const c = await loadCampaign(db, auth.workspaceId, params.id);
        const rows = await db.enrollment.findMany({
          where: { campaignId: c.id },
          orderBy: { enrolledAt: 'desc' },
          take: 100,
          include: { lead: { select: { email: true, firstName: true, lastName: true } } },
        });
        return {
          enrollments: rows.map((e) => ({
            id: e.id,
            leadId: e.leadId,
            email: e.lead.email,
            name: [e.lead.firstName, e.lead.lastName].filter(Boolean).join(' '),
            status: e.status,
            exitReason: e.exitReason,
            source: e.source,
            currentStepId: e.currentStepId,
            nextRunAt: e.nextRunAt?.toISOString() ?? null,
            enrolledAt: e.enrolledAt.toISOString(),
          })),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/enrollments/:id/pause',
      summary: 'Pause one enrollment',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:write',
      params: idParamSchema,
      response: enrollmentActionSchema,
      handler: async ({ auth, params }) => {
        if (!(await pauseEnrollment(db, auth.workspaceId, params.id))) {
          if (
            !(await db.enrollment.findFirst({
              where: { id: params.id, workspaceId: auth.workspaceId },
            }))
          )
            throw notFound('Enrollment');
          throw new AppError('conflict', 'Only an active enrollment can be paused');
        }
        return { ok: true };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/enrollments/:id/resume',
      summary: 'Resume one paused enrollment where it stopped',
      tag: 'campaigns',
      auth: 'any',
      permission: 'campaigns:send',
      params: idParamSchema,
      response: enrollmentActionSchema,
      handler: async ({ auth, params }) => {
        if (!(await resumeEnrollment(db, auth.workspaceId, params.id))) {
          if (
            !(await db.enrollment.findFirst({
              where: { id: params.id, workspaceId: auth.workspaceId },
            }))
          )
            throw notFound('Enrollment');
          throw new AppError('conflict', 'Only a paused enrollment can be resumed');
        }
        return { ok: true };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/preview',
      summary: "Render an email step with a real lead's data (the latest lead by default)",
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      body: previewSchema,
      response: campaignPreviewSchema,
      handler: async ({ auth, params, body }) => {
        const { lead, rendered } = await renderFor(auth.workspaceId, params.id, body);
        return { lead: { id: lead.id, email: lead.email }, ...rendered };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/test-send',
      summary: 'Send a test of an email step to yourself',
      tag: 'campaigns',
      auth: 'session',
      permission: 'campaigns:write',
      params: idParamSchema,
      body: previewSchema,
      response: testSendResultSchema,
      handler: async ({ auth, params, body }) => {
        const { campaign, lead, rendered } = await renderFor(auth.workspaceId, params.id, body);
        const user = await db.user.findUniqueOrThrow({ where: { id: auth.userId! } });
        const identity = campaign.identityId
          ? await db.sendingIdentity.findFirst({
              where: { id: campaign.identityId, workspaceId: auth.workspaceId },
            })
          : await db.sendingIdentity.findFirst({
              where: { workspaceId: auth.workspaceId },
              orderBy: { createdAt: 'asc' },
            });
        const domain = identity?.fromEmail.split('@')[1] ?? 'kindling.invalid';
        const m = await db.message.create({
          data: {
            workspaceId: auth.workspaceId,
            kind: 'test',
            campaignId: campaign.id,
            leadId: lead.id,
            identityId: identity?.id ?? null,
            toEmail: user.email,
            subject: `[Test] ${rendered.subject}`,
            html: withPreheader(rendered.html, rendered.preheader),
            text: rendered.text,
            messageIdHeader: `<${randomUUID()}@${domain}>`,
            status: 'queued',
          },
        });
        await enqueueEmailSend(emailQueue(deps), m.id);
        return { messageId: m.id, to: user.email };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/campaigns/:id/stats',
      summary:
        'Per-step statistics: waiting, sent, human opens and clicks, unsubscribes, bounces, exits',
      tag: 'campaigns',
      auth: 'any',
      permission: 'read',
      params: idParamSchema,
      response: campaignStatsSchema,
      handler: async ({ auth, params }) => {
        const c = await loadCampaign(db, auth.workspaceId, params.id);
        return stats(db, c.id);
      },
    }),
  ];
}
