// A CSV import as the api serves it: the LeadImport row of the caller's workspace (another
// workspace's import is a 404) and its public view. The worker does the import itself
// (apps/worker/src/modules/csv-import) and keeps the row's progress.
import type { LeadImport } from '@kindling/db';
import type { ImportStatus } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Public view of an import's state (no workspace id or internals). */
export function importView(s: LeadImport): ImportStatus {
  return {
    id: s.id,
    status: s.status as ImportStatus['status'],
    fileName: s.fileName,
    bytes: Number(s.bytes),
    columns: s.columns as string[],
    preview: s.preview as string[][],
    suggestedMapping: s.suggestedMapping as string[],
    rowsRead: s.rowsRead,
    created: s.created,
    updated: s.updated,
    duplicates: s.duplicates,
    rejected: s.rejected,
    enrolled: s.enrolled,
    error: s.error,
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
  };
}

/** Loads an import of this workspace; another workspace's import is a 404. */
export async function loadImport(
  deps: AppDeps,
  workspaceId: string,
  id: string,
): Promise<LeadImport> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new AppError('not_found', 'Import not found');
  const s = await deps.db.leadImport.findFirst({ where: { id, workspaceId } });
  if (!s) throw new AppError('not_found', 'Import not found');
  return s;
}
