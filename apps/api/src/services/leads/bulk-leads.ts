// One bulk action over the selected leads or the whole filtered set. The route checks the
// stricter permissions some actions need (whole-set erase and unsubscribe, enroll).
import type { z } from 'zod';
import type { BulkLeadsResult, bulkLeadsSchema } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { bulkEnroll } from './bulk-enroll.js';
import {
  eraseSelection,
  untagSelection,
  unsubscribeSelection,
  type LeadSelection,
} from './selection.js';
import { tagLeads } from './tag-leads.js';

type BulkInput = z.output<typeof bulkLeadsSchema>;

/** The leads a bulk body names: its ids, or every lead matching its filters. */
export const selectionOf = (body: Pick<BulkInput, 'ids' | 'filters'>): LeadSelection =>
  body.ids ? { ids: body.ids } : { filters: body.filters ?? {} };

/** Tags, untags, enrolls, unsubscribes or erases the selection; says how many leads it touched. */
export async function bulkLeads(
  { db, pgPool }: Pick<AppDeps, 'db' | 'pgPool'>,
  workspaceId: string,
  body: BulkInput,
): Promise<BulkLeadsResult> {
  const sel = selectionOf(body);
  switch (body.action) {
    case 'tag':
      return { action: body.action, ...(await tagLeads(db, pgPool, workspaceId, sel, body.tag!)) };
    case 'untag':
      return {
        action: body.action,
        affected: await untagSelection(pgPool, workspaceId, sel, body.tag!),
      };
    case 'unsubscribe':
      return {
        action: body.action,
        affected: await unsubscribeSelection(pgPool, workspaceId, sel),
      };
    case 'delete':
      return { action: body.action, affected: await eraseSelection(pgPool, workspaceId, sel) };
    case 'enroll': {
      const { enrolled, skipped } = await bulkEnroll(
        db,
        pgPool,
        workspaceId,
        sel,
        body.campaignId!,
      );
      return { action: body.action, affected: enrolled, skipped };
    }
  }
}
