import type { Pool } from 'pg';
import type { Db } from '@kindling/db';
import { enrollByTrigger } from '@kindling/campaigns';
import { tagSelection, type LeadSelection } from './selection.js';

/**
 * Adds a tag to the selected leads that lack it, then enrolls each of them in the active
 * campaigns that tag triggers. Returns the leads changed and the enrollments started.
 */
export async function tagLeads(
  db: Db,
  pgPool: Pool,
  workspaceId: string,
  sel: LeadSelection,
  tag: string,
): Promise<{ affected: number; enrolled: number }> {
  const ids = await tagSelection(pgPool, workspaceId, sel, tag);
  const triggered = await db.campaign.count({
    where: { workspaceId, status: 'active', triggers: { some: { type: 'tag_added', tag } } },
  });
  let enrolled = 0;
  if (triggered) {
    for (const leadId of ids) {
      enrolled += (
        await enrollByTrigger(db, { workspaceId, leadId, event: { type: 'tag_added', tag } })
      ).length;
    }
  }
  return { affected: ids.length, enrolled };
}
