import type { z } from 'zod';
import type { CreateLeadsResult, createLeadsSchema } from '@kindling/shared';
import type { Prisma } from '@kindling/db';
import { enrollMany } from '@kindling/campaigns';
import { upsertLeads, type LeadUpsertInput } from '@kindling/leads';
import { AppError } from '../../http/errors.js';

type Body = z.output<typeof createLeadsSchema>;
type LeadBody = Omit<Extract<Body, { email: string }>, 'campaignIds'>;

function upsertInput(workspaceId: string, l: LeadBody, now: Date): LeadUpsertInput {
  return {
    workspaceId,
    email: l.email,
    firstName: l.firstName,
    lastName: l.lastName,
    phone: l.phone,
    timeZone: l.timeZone,
    tags: l.tags,
    customFields: l.customFields,
    consent: l.consent
      ? { text: l.consent.text, at: l.consent.at ? new Date(l.consent.at) : now }
      : null,
    attribution: l.attribution ? { formId: null, ...l.attribution } : undefined,
  };
}

/**
 * Creates or updates one lead or a batch (POST /api/leads) inside the caller's transaction, by
 * the merge rules every lead source shares (@kindling/leads upsertLeads: the form submissions'
 * SQL), then enrolls the leads in the requested campaigns and, for each tag a lead gained, in the
 * campaigns that tag triggers, through the one enrollment service. A campaign of another
 * workspace, or not active, is a 422 and nothing is written.
 */
export async function createLeads(
  tx: Prisma.TransactionClient,
  workspaceId: string,
  body: Body,
  now = new Date(),
): Promise<CreateLeadsResult> {
  const { campaignIds = [], ...rest } = body;
  const leads: LeadBody[] = 'leads' in rest ? rest.leads : [rest];
  const wanted = [...new Set(campaignIds)];
  if (wanted.length) {
    const found = await tx.campaign.findMany({
      where: { id: { in: wanted }, workspaceId },
      select: { id: true, status: true },
    });
    const bad = wanted.filter((id) => found.find((c) => c.id === id)?.status !== 'active');
    if (bad.length)
      throw new AppError(
        'validation_failed',
        'Enroll only in active campaigns of this workspace',
        bad.map((id) => ({ field: 'campaignIds', issue: `${id} is not an active campaign` })),
      );
  }
  const rows = await upsertLeads(
    tx,
    leads.map((l) => upsertInput(workspaceId, l, now)),
  );
  // A lead given twice is one lead: enroll it once.
  const leadIds = [...new Set(rows.map((r) => r.id))];
  let enrolled = 0;
  for (const campaignId of wanted)
    enrolled += await enrollMany(tx, { workspaceId, campaignId, leadIds, source: 'api' });
  enrolled += await enrollGainedTags(tx, workspaceId, rows, leads, now);
  const created = new Set(rows.filter((r) => r.created).map((r) => r.id)).size;
  const seen = new Set<string>();
  return {
    leads: rows.map((r) => {
      // A lead given twice in one batch was created by its first entry.
      const first = !seen.has(r.id);
      seen.add(r.id);
      return { id: r.id, email: r.email, status: r.status, created: r.created && first };
    }),
    created,
    updated: leadIds.length - created,
    enrolled,
  };
}

/** Tag-triggered campaigns, as updateLead does for tags a lead gains (set-based per campaign). */
async function enrollGainedTags(
  tx: Prisma.TransactionClient,
  workspaceId: string,
  rows: { id: string; tagsBefore: string[] }[],
  leads: LeadBody[],
  now: Date,
): Promise<number> {
  const gained = new Map<string, Set<string>>();
  rows.forEach((r, i) => {
    for (const raw of leads[i]!.tags ?? []) {
      const tag = raw.trim();
      if (!tag || r.tagsBefore.includes(tag)) continue;
      if (!gained.has(tag)) gained.set(tag, new Set());
      gained.get(tag)!.add(r.id);
    }
  });
  if (gained.size === 0) return 0;
  const triggers = await tx.campaignTrigger.findMany({
    where: {
      type: 'tag_added',
      tag: { in: [...gained.keys()] },
      campaign: { workspaceId, status: 'active' },
    },
    select: { campaignId: true, tag: true },
  });
  let enrolled = 0;
  for (const t of triggers) {
    const ids = [...(gained.get(t.tag ?? '') ?? [])];
    if (ids.length)
      enrolled += await enrollMany(tx, {
        workspaceId,
        campaignId: t.campaignId,
        leadIds: ids,
        source: 'tag_added',
        now,
      });
  }
  return enrolled;
}
