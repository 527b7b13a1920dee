import type { AppDeps } from '../../deps.js';
import { findLead } from './find-lead.js';
import { eraseSelection } from './selection.js';

/** Erases one lead and the personal data in its submissions, messages and events. */
export async function eraseLead(
  { db, pgPool }: Pick<AppDeps, 'db' | 'pgPool'>,
  workspaceId: string,
  id: string,
): Promise<void> {
  const lead = await findLead(db, workspaceId, id);
  await eraseSelection(pgPool, workspaceId, { ids: [lead.id] });
}
