// The drip engine. Postgres is the schedule: each enrollment row holds its current step and
// next_run_at. `sweepDue` (sweep.ts) moves enrollments due within a short horizon into the queue
// (the caller supplies the enqueue functions, so this package stays free of BullMQ), and
// `runStep` executes one enrollment's due step(s) under a row lock, never past an email of its
// own that is still on its way (order.ts). Time comes from `deps.now` so tests drive days of
// schedule without sleeping.
import type { CampaignStep, Db, Prisma } from '@kindling/db';
import { withNewMessages } from '@kindling/queue';
import {
  conditionStepConfigSchema,
  emailStepConfigSchema,
  exitRulesSchema,
  sendWindowSchema,
  waitStepConfigSchema,
  type ConditionStepConfig,
} from '@kindling/shared';
import { mergeValue, renderStepEmail, withPreheader } from './render.js';
import { nextAllowed, safeZone, waitUntil } from './schedule.js';
import { noUnfinishedSend } from './order.js';

type Tx = Prisma.TransactionClient;

/** What the engine needs from the outside world. */
export interface DripDeps {
  db: Db;
  now: () => Date;
  /** Enqueues `email.send` for these Message ids (deterministic job ids make repeats no-ops). */
  enqueueSend: (messageIds: string[]) => Promise<void>;
}

export type StepOutcome =
  /** not_runnable: not active, not due, locked by another runner, or an earlier email unfinished. */
  | { status: 'skipped'; reason: 'not_runnable' | 'campaign_inactive' }
  | { status: 'exited'; reason: string }
  | { status: 'completed'; messageIds: string[] }
  | { status: 'waiting'; messageIds: string[]; stepId: string; nextRunAt: Date };

const MAX_HOPS = 200;

/** Why a lead must leave the campaign now, or null. Bad states always stop mail, whatever the rules. */
async function exitReason(
  tx: Tx,
  e: {
    enrolledAt: Date;
    suppression: string | null;
    lead: { id: string; status: string; tags: string[] };
  },
  exitRulesJson: unknown,
): Promise<string | null> {
  if (e.lead.status !== 'active') return e.lead.status; // unsubscribed | bounced | complained
  if (e.suppression)
    return e.suppression === 'unsubscribe' ? 'unsubscribed' : `suppressed_${e.suppression}`;
  const rules = exitRulesSchema.safeParse(exitRulesJson ?? {});
  if (!rules.success) return null;
  if (rules.data.goalTag && e.lead.tags.includes(rules.data.goalTag)) return 'goal_tag';
  if (rules.data.goalUrl) {
    const hit = await tx.trackingEvent.findFirst({
      where: {
        leadId: e.lead.id,
        type: 'click',
        machine: false,
        url: { startsWith: rules.data.goalUrl },
        occurredAt: { gte: e.enrolledAt },
      },
      select: { id: true },
    });
    if (hit) return 'goal_link';
  }
  return null;
}

async function conditionHolds(
  tx: Tx,
  cfg: ConditionStepConfig,
  ctx: {
    enrollmentId: string;
    lead: Parameters<typeof mergeValue>[1] & { id: string; tags: string[] };
    workspaceName: string;
  },
): Promise<boolean> {
  switch (cfg.kind) {
    case 'opened':
    case 'clicked': {
      // Human events only: privacy proxies and link scanners are recorded with machine = true.
      const hit = await tx.trackingEvent.findFirst({
        where: {
          leadId: ctx.lead.id,
          type: cfg.kind === 'opened' ? 'open' : 'click',
          machine: false,
          message: {
            enrollmentId: ctx.enrollmentId,
            ...(cfg.stepId ? { stepId: cfg.stepId } : {}),
          },
        },
        select: { id: true },
      });
      return hit !== null;
    }
    case 'has_tag':
      return !!cfg.tag && ctx.lead.tags.includes(cfg.tag);
    case 'field': {
      const v = cfg.field
        ? mergeValue(cfg.field, ctx.lead, { name: ctx.workspaceName })
        : undefined;
      const want = (cfg.value ?? '').toLowerCase();
      if (cfg.op === 'exists' || !cfg.op) return v !== undefined;
      if (v === undefined) return false;
      return cfg.op === 'equals' ? v.toLowerCase() === want : v.toLowerCase().includes(want);
    }
  }
}

interface ClaimRow {
  id: string;
  workspaceId: string;
  currentStepId: string | null;
  enrolledAt: Date;
  campaignId: string;
  campaignStatus: string;
  campaignUpdatedAt: Date;
  leadId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  customFields: unknown;
  tags: string[];
  leadStatus: string;
  timeZone: string | null;
  suppression: string | null;
}

type CampaignDefinition = NonNullable<Awaited<ReturnType<typeof loadDefinition>>>;

function loadDefinition(tx: Tx, campaignId: string) {
  return tx.campaign.findUnique({
    where: { id: campaignId },
    include: { steps: { orderBy: { position: 'asc' } }, workspace: true, identity: true },
  });
}

// Every save of a campaign bumps its updatedAt, so (id, updatedAt) names one version of its
// steps; the short TTL bounds how long a workspace rename or zone change takes to show.
const DEFINITION_TTL_MS = 10_000;
const definitions = new Map<string, { at: number; def: CampaignDefinition }>();

async function campaignDefinition(
  tx: Tx,
  campaignId: string,
  updatedAt: Date,
): Promise<CampaignDefinition> {
  const key = `${campaignId}:${updatedAt.getTime()}`;
  const hit = definitions.get(key);
  if (hit && Date.now() - hit.at < DEFINITION_TTL_MS) return hit.def;
  const def = await loadDefinition(tx, campaignId);
  if (!def) throw new Error(`campaign ${campaignId} vanished`);
  if (definitions.size > 1000) definitions.clear();
  definitions.set(key, { at: Date.now(), def });
  return def;
}

/**
 * Runs the due step(s) of one enrollment: claims the row (FOR UPDATE SKIP LOCKED, so two
 * runners never process it twice; only while no earlier email of it is unfinished), re-checks
 * the lead, walks waits/conditions until it must wait or has created one email (one Message,
 * unique per enrollment+step) and, after the commit, enqueues its send. An email step right after
 * another waits, due at once, until the sweep finds the first one final.
 */
export async function runStep(deps: DripDeps, enrollmentId: string): Promise<StepOutcome> {
  return withNewMessages(deps.db, deps.enqueueSend, async (tx, create): Promise<StepOutcome> => {
    const now = deps.now();
    // Claim the row and read the lead, its suppression and the campaign's status and version in
    // the same round trip: a step costs few queries, which is what keeps a burst of due steps on time.
    const claimed = await tx.$queryRaw<ClaimRow[]>`
      SELECT e.id, e."workspaceId", e."currentStepId", e."enrolledAt", e."campaignId",
             c.status::text AS "campaignStatus", c."updatedAt" AS "campaignUpdatedAt",
             l.id AS "leadId", l.email, l."firstName", l."lastName", l.phone, l."customFields", l.tags,
             l.status::text AS "leadStatus", l."timeZone", s.reason::text AS suppression
      FROM "Enrollment" e
      JOIN "Campaign" c ON c.id = e."campaignId"
      JOIN "Lead" l ON l.id = e."leadId"
      LEFT JOIN "Suppression" s ON s."workspaceId" = e."workspaceId" AND s.email = l.email
      WHERE e.id = ${enrollmentId}::uuid AND e.status = 'active' AND e."nextRunAt" <= ${now}
        AND ${noUnfinishedSend}
      FOR UPDATE OF e SKIP LOCKED`;
    const row = claimed[0];
    if (!row) return { status: 'skipped', reason: 'not_runnable' };
    if (row.campaignStatus !== 'active') return { status: 'skipped', reason: 'campaign_inactive' };

    const campaign = await campaignDefinition(tx, row.campaignId, row.campaignUpdatedAt);
    const lead = {
      id: row.leadId,
      email: row.email,
      firstName: row.firstName,
      lastName: row.lastName,
      phone: row.phone,
      customFields: row.customFields,
      tags: row.tags,
      status: row.leadStatus,
      timeZone: row.timeZone,
    };
    const e = { ...row, lead };

    // An exited enrollment keeps its step (stats show where leads left); a completed one has none.
    const finish = async (data: {
      status: 'completed' | 'exited';
      exitReason?: string;
      completedAt: Date;
    }) =>
      tx.enrollment.update({
        where: { id: e.id },
        data: {
          ...data,
          nextRunAt: null,
          ...(data.status === 'completed' ? { currentStepId: null } : {}),
        },
      });

    const reason = await exitReason(tx, e, campaign.exitRules);
    if (reason) {
      await finish({ status: 'exited', exitReason: reason, completedAt: now });
      return { status: 'exited', reason };
    }

    const zone = safeZone(lead.timeZone ?? campaign.workspace.timeZone);
    const windowParsed = sendWindowSchema.safeParse(campaign.sendWindow);
    const window = windowParsed.success ? windowParsed.data : null;
    const live = campaign.steps.filter((s) => !s.deletedAt);
    const nextLive = (after: CampaignStep | undefined): CampaignStep | null =>
      live.find((s) => !after || s.position > after.position) ?? null;

    // Where this run starts. A removed step hands its enrollments to the next live one.
    let step: CampaignStep | null;
    let entering = false;
    const current = campaign.steps.find((s) => s.id === e.currentStepId);
    if (!current) {
      step = e.currentStepId ? nextLive(undefined) : null;
      entering = true;
    } else if (current.deletedAt) {
      step = nextLive(current);
      entering = true;
    } else step = current;

    const messageIds: string[] = [];
    // A step whose stored config does not parse (written around the api) cannot be run: the
    // lead leaves with a reason the campaign page shows, instead of the job failing forever.
    const invalid = async (bad: CampaignStep): Promise<StepOutcome> => {
      const reason = `invalid_${bad.type}_step`;
      await tx.enrollment.update({
        where: { id: e.id },
        data: {
          status: 'exited',
          exitReason: reason,
          nextRunAt: null,
          completedAt: now,
          currentStepId: bad.id,
        },
      });
      return { status: 'exited', reason };
    };
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      if (!step) {
        await finish({ status: 'completed', completedAt: now });
        return { status: 'completed', messageIds };
      }
      if (step.type === 'wait') {
        if (entering) {
          const cfg = waitStepConfigSchema.safeParse(step.config);
          if (!cfg.success) return invalid(step);
          const until = waitUntil(now, zone, cfg.data);
          await tx.enrollment.update({
            where: { id: e.id },
            data: { currentStepId: step.id, nextRunAt: until },
          });
          return { status: 'waiting', messageIds, stepId: step.id, nextRunAt: until };
        }
        step = nextLive(step); // the wait is over
        entering = true;
        continue;
      }
      if (step.type === 'condition') {
        const parsed = conditionStepConfigSchema.safeParse(step.config);
        if (!parsed.success) return invalid(step);
        const cfg = parsed.data;
        const yes = await conditionHolds(tx, cfg, {
          enrollmentId: e.id,
          lead,
          workspaceName: campaign.workspace.name,
        });
        const target = yes ? cfg.yesStepId : cfg.noStepId;
        const from: CampaignStep = step;
        step =
          target === 'end'
            ? null
            : target === 'next'
              ? nextLive(from)
              : (live.find((s) => s.id === target && s.position > from.position) ?? nextLive(from));
        entering = true;
        continue;
      }
      // email
      if (messageIds.length > 0) {
        // The email just created is not sent yet: this one waits, due now, for the sweep to
        // find the previous one final (order.ts).
        await tx.enrollment.update({
          where: { id: e.id },
          data: { currentStepId: step.id, nextRunAt: now },
        });
        return { status: 'waiting', messageIds, stepId: step.id, nextRunAt: now };
      }
      const allowed = nextAllowed(now, zone, window);
      if (allowed.getTime() > now.getTime()) {
        await tx.enrollment.update({
          where: { id: e.id },
          data: { currentStepId: step.id, nextRunAt: allowed },
        });
        return { status: 'waiting', messageIds, stepId: step.id, nextRunAt: allowed };
      }
      const parsed = emailStepConfigSchema.safeParse(step.config);
      if (!parsed.success) return invalid(step);
      const cfg = parsed.data;
      const rendered = renderStepEmail(cfg, lead, campaign.workspace);
      // Unique per enrollment and step: a repeated run gets the row already there. Stored
      // rendered: email.send uses these columns as they are (the preheader rides inside the HTML).
      messageIds.push(
        await create({
          workspaceId: e.workspaceId,
          kind: 'campaign',
          campaignId: campaign.id,
          enrollmentId: e.id,
          stepId: step.id,
          leadId: lead.id,
          identityId: campaign.identityId,
          toEmail: lead.email,
          subject: rendered.subject,
          html: withPreheader(rendered.html, rendered.preheader),
          text: rendered.text,
          messageIdDomain: campaign.identity?.fromEmail.split('@')[1],
          createdAt: now,
        }),
      );
      step = nextLive(step);
      entering = true;
    }
    throw new Error(`enrollment ${e.id}: more than ${MAX_HOPS} steps in one run (a branch loop?)`);
  });
}
