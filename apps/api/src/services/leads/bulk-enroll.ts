import type { Pool } from 'pg';
import type { Db } from '@kindling/db';
import { enrollLead } from '@kindling/campaigns';
import { AppError, notFound } from '../../http/errors.js';
import { Params } from './filters.js';
import { selectionSql, type LeadSelection } from './selection.js';

/**
 * Enrolls every selected lead in an active campaign through the enrollment service, reading the
 * selection with a cursor 500 rows at a time. Leads not enrolled were inactive or already in it.
 */
export async function bulkEnroll(
  db: Db,
  pgPool: Pool,
  workspaceId: string,
  sel: LeadSelection,
  campaignId: string,
): Promise<{ enrolled: number; skipped: number }> {
  const campaign = await db.campaign.findFirst({ where: { id: campaignId, workspaceId } });
  if (!campaign) throw notFound('Campaign');
  if (campaign.status !== 'active')
    throw new AppError('conflict', 'Activate the campaign before enrolling leads');
  const params = new Params();
  const sql = selectionSql(workspaceId, sel, params);
  const client = await pgPool.connect();
  let enrolled = 0;
  let seen = 0;
  try {
    await client.query('BEGIN');
    await client.query(`DECLARE bulk_enroll CURSOR FOR ${sql}`, params.values);
    for (;;) {
      const { rows } = await client.query<{ id: string }>('FETCH 500 FROM bulk_enroll');
      if (!rows.length) break;
      for (const r of rows) {
        seen++;
        const e = await enrollLead(db, {
          workspaceId,
          campaignId: campaign.id,
          leadId: r.id,
          source: 'manual',
        });
        if (e) enrolled++;
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return { enrolled, skipped: seen - enrolled };
}
