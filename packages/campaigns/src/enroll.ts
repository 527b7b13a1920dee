// The one enrollment service: forms, tags, the API, bulk selections and imports all enroll
// leads through these functions, so the rules (lead must be active, one live enrollment per
// campaign, re-enrollment only when allowed) live in one place.
import type { Db, TriggerType, Enrollment } from '@kindling/db';
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
  const now = input.now ?? new Date();
  const campaign = await db.campaign.findFirst({
    where: { id: input.campaignId, workspaceId: input.workspaceId, status: 'active' },
    include: { steps: { where: { deletedAt: null }, orderBy: { position: 'asc' }, take: 1 } },
  });
  const firstStep = campaign?.steps[0];
  if (!campaign || !firstStep) return 0;
  let nextRunAt = now;
  if (firstStep.type === 'wait') {
    const cfg = waitStepConfigSchema.safeParse(firstStep.config);
    if (cfg.success && !('minutes' in cfg.data)) {
      // "Until a weekday" depends on each lead's zone: one at a time.
      let n = 0;
      for (const leadId of input.leadIds) {
        if (
          await enrollLead(db, {
            workspaceId: input.workspaceId,
            campaignId: campaign.id,
            leadId,
            source: input.source,
            now,
          })
        )
          n++;
      }
      return n;
    }
    if (cfg.success && 'minutes' in cfg.data) nextRunAt = waitUntil(now, 'UTC', cfg.data);
  }
  let enrolled = 0;
  const CHUNK = 20_000;
  for (let i = 0; i < input.leadIds.length; i += CHUNK) {
    const ids = input.leadIds.slice(i, i + CHUNK);
    enrolled += await db.$executeRaw`
      INSERT INTO "Enrollment" ("id", "workspaceId", "campaignId", "leadId", "currentStepId", "nextRunAt", "status", "source", "enrolledAt", "updatedAt")
      SELECT gen_random_uuid(), l."workspaceId", ${campaign.id}::uuid, l.id, ${firstStep.id}::uuid, ${nextRunAt},
             'active', ${input.source}::"TriggerType", ${now}, ${now}
      FROM "Lead" l
      WHERE l."workspaceId" = ${input.workspaceId}::uuid AND l.id = ANY(${ids}::uuid[]) AND l.status = 'active'
        AND NOT EXISTS (
          SELECT 1 FROM "Enrollment" e
          WHERE e."campaignId" = ${campaign.id}::uuid AND e."leadId" = l.id
            AND (e.status IN ('active', 'paused') OR NOT ${campaign.allowReenroll})
        )
      ON CONFLICT ("campaignId", "leadId") WHERE "status" IN ('active', 'paused') DO NOTHING`;
  }
  return enrolled;
}
