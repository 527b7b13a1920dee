import type { Db, Lead } from '@kindling/db';
import { notFound } from '../../http/errors.js';

/** The workspace's lead; another workspace's lead is a 404. */
export async function findLead(db: Db, workspaceId: string, id: string): Promise<Lead> {
  const lead = await db.lead.findFirst({ where: { id, workspaceId } });
  if (!lead) throw notFound('Lead');
  return lead;
}
