import type { Pool } from 'pg';
import type { LeadCount } from '@kindling/shared';
import { countSelection, type LeadSelection } from './selection.js';

/** How many leads a bulk action over the selection would touch (for its confirmation). */
export async function countLeads(
  pgPool: Pool,
  workspaceId: string,
  sel: LeadSelection,
): Promise<LeadCount> {
  return { count: await countSelection(pgPool, workspaceId, sel) };
}
