// Starts a CSV import: the mapping checked, the row marked running, a leads.import job enqueued
// for the worker (apps/worker/src/modules/csv-import), which does the import.
import { enqueueLeadsImport } from '@kindling/queue';
import type { ImportStatus } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { importsQueue } from '../../email-queue.js';
import { AppError } from '../../http/errors.js';
import { importView, loadImport } from './import-state.js';

/** Checks the mapping, marks the import running and hands it to a worker; answers its state. */
export async function startImport(
  deps: AppDeps,
  workspaceId: string,
  id: string,
  input: { mapping: string[]; tag?: string; campaignId?: string },
): Promise<ImportStatus> {
  const s = await loadImport(deps, workspaceId, id);
  if (s.status !== 'uploaded') throw new AppError('conflict', 'This import has already started');
  const columns = s.columns as string[];
  if (input.mapping.length !== columns.length)
    throw new AppError('validation_failed', 'Map every column', [
      { field: 'mapping', issue: `expected ${columns.length} entries, one per column` },
    ]);
  const emailColumns = input.mapping.filter((m) => m === 'email').length;
  if (emailColumns !== 1)
    throw new AppError('validation_failed', 'Map exactly one column to email', [
      { field: 'mapping', issue: 'one email column is required' },
    ]);
  const targets = input.mapping.filter((m) => m !== 'skip');
  if (new Set(targets).size !== targets.length)
    throw new AppError('validation_failed', 'Two columns are mapped to the same field', [
      { field: 'mapping', issue: 'each field once' },
    ]);
  if (input.campaignId) {
    const campaign = await deps.db.campaign.findFirst({
      where: { id: input.campaignId, workspaceId },
    });
    if (!campaign) throw new AppError('not_found', 'Campaign not found');
  }
  const now = new Date();
  // Conditional on `uploaded`: of two concurrent starts, one wins.
  const { count } = await deps.db.leadImport.updateMany({
    where: { id, workspaceId, status: 'uploaded' },
    data: {
      status: 'running',
      mapping: input.mapping,
      tag: input.tag ?? null,
      campaignId: input.campaignId ?? null,
      startedAt: now,
      // No worker yet: if the job never reaches one (Redis lost it), a worker's sweep
      // re-enqueues the import once this heartbeat is old.
      heartbeatAt: now,
    },
  });
  if (count === 0) throw new AppError('conflict', 'This import has already started');
  try {
    await enqueueLeadsImport(importsQueue(deps), id);
  } catch (err) {
    deps.logger.warn({ err, importId: id }, 'import job not enqueued; a worker sweep will take it');
  }
  return importView(await loadImport(deps, workspaceId, id));
}
