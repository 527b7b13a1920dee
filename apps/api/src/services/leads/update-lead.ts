import type { z } from 'zod';
import type { LeadDetail, updateLeadSchema } from '@kindling/shared';
import type { Db, Prisma } from '@kindling/db';
import { enrollByTrigger } from '@kindling/campaigns';
import { recordLeadEvents } from '@kindling/webhooks';
import { findLead } from './find-lead.js';
import { leadDetail } from './lead-detail.js';

/**
 * Edits a lead: names, phone, time zone, tags, custom fields (replaced whole; a null value
 * removes a key). Each tag it gains enrolls the lead in the campaigns that tag triggers.
 */
export async function updateLead(
  db: Db,
  workspaceId: string,
  id: string,
  body: z.output<typeof updateLeadSchema>,
): Promise<LeadDetail> {
  const lead = await findLead(db, workspaceId, id);
  const { customFields, tags, ...rest } = body;
  const fields = customFields
    ? Object.fromEntries(Object.entries(customFields).filter(([, v]) => v !== null))
    : undefined;
  const newTags = tags ? [...new Set(tags)] : undefined;
  const updated = await db.$transaction(async (tx) => {
    const row = await tx.lead.update({
      where: { id: lead.id },
      data: { ...rest, ...(newTags ? { tags: newTags } : {}) },
    });
    if (fields === undefined) {
      await recordLeadEvents(tx, { workspaceId, type: 'lead.updated', leadIds: [lead.id] });
      return row;
    }
    // Not through Prisma's JSON encoding, which drops a "__proto__" key: custom field
    // names are the tenant's own and are stored verbatim.
    await tx.$executeRaw`UPDATE "Lead" SET "customFields" = ${JSON.stringify(fields)}::jsonb WHERE id = ${lead.id}::uuid`;
    await recordLeadEvents(tx, { workspaceId, type: 'lead.updated', leadIds: [lead.id] });
    return { ...row, customFields: fields as Prisma.JsonObject };
  });
  if (newTags) {
    for (const tag of newTags.filter((t) => !lead.tags.includes(t))) {
      await enrollByTrigger(db, {
        workspaceId,
        leadId: lead.id,
        event: { type: 'tag_added', tag },
      });
    }
  }
  return leadDetail(db, updated);
}
