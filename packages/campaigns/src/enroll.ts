// The one enrollment service: forms, tags, the API, bulk selections and imports all enroll
// leads through these functions (with a client or inside a caller's transaction), so the rules
// (lead must be active, one live enrollment per campaign, re-enrollment only when allowed) live
// in one place.
import type { DbClient as Db, TriggerType, Enrollment } from '@kindling/db';
import { waitStepConfigSchema } from '@kindling/shared';
import { safeZone, waitUntil } from './schedule.js';

export interface TriggerEvent {
  type: TriggerType;
  /** form_submission: the form submitted. */
  formId?: string;
  /** tag_added: the tag. */
  tag?: string;
}

export interface EnrollInput {
  workspaceId: string;
  campaignId: string;
  leadId: string;
  source: TriggerType;
  now?: Date;
}

/**
 * Enrolls one lead in one campaign at its first step, due now. Returns null (and changes nothing)
 * when the lead is not active, the campaign is not active, the lead is already enrolled, or it
 * completed the campaign before and re-enrollment is off.
 */
export async function enrollLead(db: Db, input: EnrollInput): Promise<Enrollment | null> {
  const now = input.now ?? new Date();
  const [lead, campaign] = await Promise.all([
    db.lead.findFirst({ where: { id: input.leadId, workspaceId: input.workspaceId } }),
    db.campaign.findFirst({
      where: { id: input.campaignId, workspaceId: input.workspaceId },
      include: { steps: { where: { deletedAt: null }, orderBy: { position: 'asc' }, take: 1 } },
    }),
  ]);
  if (!lead || lead.status !== 'active' || !campaign || campaign.status !== 'active') return null;
  const firstStep = campaign.steps[0];
  if (!firstStep) return null;
  const previous = await db.enrollment.findFirst({
    where: { campaignId: campaign.id, leadId: lead.id },
    orderBy: { enrolledAt: 'desc' },
  });
  if (previous && (previous.status === 'active' || previous.status === 'paused')) return null;
  if (previous && !campaign.allowReenroll) return null;
  // A campaign that opens with a wait starts that wait now (the step runner treats a due wait as over).
  let nextRunAt = now;
  if (firstStep.type === 'wait') {
    const cfg = waitStepConfigSchema.safeParse(firstStep.config);
    if (cfg.success) {
      const ws = await db.workspace.findUnique({
        where: { id: input.workspaceId },
        select: { timeZone: true },
      });
      nextRunAt = waitUntil(now, safeZone(lead.timeZone ?? ws?.timeZone), cfg.data);
    }
  }
  try {
    return await db.enrollment.create({
      data: {
        workspaceId: input.workspaceId,
        campaignId: campaign.id,
        leadId: lead.id,
        currentStepId: firstStep.id,
        nextRunAt,
        status: 'active',
        source: input.source,
        enrolledAt: now,
      },
    });
  } catch (err) {
    // Lost a race with a concurrent enrollment: the partial unique index kept it single.
    if ((err as { code?: string }).code === 'P2002') return null;
    throw err;
  }
}

/** Enrolls a lead in every active campaign of its workspace whose trigger matches the event. */
export async function enrollByTrigger(
  db: Db,
  input: { workspaceId: string; leadId: string; event: TriggerEvent; now?: Date },
): Promise<Enrollment[]> {
  const { event } = input;
  const campaigns = await db.campaign.findMany({
    where: {
      workspaceId: input.workspaceId,
      status: 'active',
      triggers: {
        some: {
          type: event.type,
          ...(event.type === 'form_submission' ? { formId: event.formId ?? '' } : {}),
          ...(event.type === 'tag_added' ? { tag: event.tag ?? '' } : {}),
        },
      },
    },
    select: { id: true },
  });
  const enrolled: Enrollment[] = [];
  for (const c of campaigns) {
    const e = await enrollLead(db, {
      workspaceId: input.workspaceId,
      campaignId: c.id,
      leadId: input.leadId,
      source: event.type,
      now: input.now,
    });
    if (e) enrolled.push(e);
  }
  return enrolled;
}

/**
 * What a set-based enrollment in one campaign inserts, resolved once: the first step and when it
 * is due. `perLead`: the campaign opens with a wait until a weekday, which depends on each lead's
 * zone, so its leads are enrolled one at a time (enrollLead).
 */
export interface BulkEnrollPlan {
  campaignId: string;
  firstStepId: string;
  nextRunAt: Date;
  allowReenroll: boolean;
  perLead: boolean;
  now: Date;
}

/** Resolves a bulk enrollment in an active campaign of the workspace; null: nothing to enroll. */
export async function planBulkEnroll(
  db: Db,
  input: { workspaceId: string; campaignId: string; now?: Date },
): Promise<BulkEnrollPlan | null> {
  const now = input.now ?? new Date();
  const campaign = await db.campaign.findFirst({
    where: { id: input.campaignId, workspaceId: input.workspaceId, status: 'active' },
    include: { steps: { where: { deletedAt: null }, orderBy: { position: 'asc' }, take: 1 } },
  });
  const firstStep = campaign?.steps[0];
  if (!campaign || !firstStep) return null;
  let nextRunAt = now;
  let perLead = false;
  if (firstStep.type === 'wait') {
    const cfg = waitStepConfigSchema.safeParse(firstStep.config);
    if (cfg.success && !('minutes' in cfg.data)) perLead = true;
    if (cfg.success && 'minutes' in cfg.data) nextRunAt = waitUntil(now, 'UTC', cfg.data);
  }
  const plan = { campaignId: campaign.id, firstStepId: firstStep.id, nextRunAt, now, perLead };
  return { ...plan, allowReenroll: campaign.allowReenroll };
}

/**
 * The set-based INSERT of a planned bulk enrollment for up to a chunk of leads, as SQL text with
 * positional parameters (for Prisma's raw API or a node-postgres client inside a transaction of
 * the caller's). Its row count is the number enrolled.
 */
export function bulkEnrollStatement(
  plan: BulkEnrollPlan,
  input: { workspaceId: string; leadIds: string[]; source: TriggerType },
): { text: string; values: unknown[] } {
  return {
    text: `INSERT INTO "Enrollment" ("id", "workspaceId", "campaignId", "leadId", "currentStepId", "nextRunAt", "status", "source", "enrolledAt", "updatedAt")
      SELECT gen_random_uuid(), l."workspaceId", $1::uuid, l.id, $2::uuid, $3::timestamptz,
             'active', $4::"TriggerType", $5::timestamptz, $5::timestamptz
      FROM "Lead" l
      WHERE l."workspaceId" = $6::uuid AND l.id = ANY($7::uuid[]) AND l.status = 'active'
        AND NOT EXISTS (
          SELECT 1 FROM "Enrollment" e
          WHERE e."campaignId" = $1::uuid AND e."leadId" = l.id
            AND (e.status IN ('active', 'paused') OR NOT $8::boolean)
        )
      ON CONFLICT ("campaignId", "leadId") WHERE "status" IN ('active', 'paused') DO NOTHING`,
    values: [
      plan.campaignId,
      plan.firstStepId,
      plan.nextRunAt,
      input.source,
      plan.now,
      input.workspaceId,
      input.leadIds,
      plan.allowReenroll,
    ],
  };
}

/** Leads per bulk enrollment statement. */
export const BULK_ENROLL_CHUNK = 20_000;

/**
 * Enrolls many leads of one workspace in one campaign with one set-based INSERT per chunk, under
 * the same rules as enrollLead (active leads and campaign, one live enrollment, re-enrollment
 * only when allowed). Returns how many were enrolled.
 */
export async function enrollMany(
  db: Db,
  input: {
    workspaceId: string;
    campaignId: string;
    leadIds: string[];
    source: TriggerType;
    now?: Date;
  },
): Promise<number> {
  const plan = await planBulkEnroll(db, input);
  if (!plan) return 0;
  if (plan.perLead) return enrollEach(db, plan, input);
  let enrolled = 0;
  for (let i = 0; i < input.leadIds.length; i += BULK_ENROLL_CHUNK) {
    const ids = input.leadIds.slice(i, i + BULK_ENROLL_CHUNK);
    const { text, values } = bulkEnrollStatement(plan, { ...input, leadIds: ids });
    enrolled += await db.$executeRawUnsafe(text, ...values);
  }
  return enrolled;
}

/** A planned enrollment whose first wait depends on each lead's zone: one lead at a time. */
export async function enrollEach(
  db: Db,
  plan: BulkEnrollPlan,
  input: { workspaceId: string; leadIds: string[]; source: TriggerType },
): Promise<number> {
  let n = 0;
  for (const leadId of input.leadIds) {
    const e = await enrollLead(db, {
      workspaceId: input.workspaceId,
      campaignId: plan.campaignId,
      leadId,
      source: input.source,
      now: plan.now,
    });
    if (e) n++;
  }
  return n;
}
