// CSV import state as the api serves it: an import of the caller's workspace (LeadImport row),
// its start (mapping checked, row marked running, a leads.import job enqueued for the worker,
// which does the import: apps/worker/src/modules/csv-import) and its rejected-rows report.
import { once } from 'node:events';
import type { Response } from 'express';
import type { LeadImport } from '@kindling/db';
import { csvLine } from '@kindling/leads';
import { enqueueLeadsImport } from '@kindling/queue';
import type { ImportStatus } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { importsQueue } from '../../email-queue.js';
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

/** Report entries read per round while streaming (each holds one batch's rejected rows). */
const REPORT_PAGE = 20;

/** Streams the rejected-rows report (header, then every batch's lines in file order). */
export async function sendReport(deps: AppDeps, s: LeadImport, res: Response): Promise<void> {
  if (s.status === 'uploaded')
    throw new AppError('not_found', 'No report yet: the import has not started');
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="rejected-rows-${s.id.slice(0, 8)}.csv"`,
    'Cache-Control': 'no-store',
  });
  res.write(csvLine(['row', 'column', 'reason', 'value']));
  let after = -1;
  for (;;) {
    const page = await deps.db.leadImportReport.findMany({
      where: { importId: s.id, seq: { gt: after } },
      orderBy: { seq: 'asc' },
      take: REPORT_PAGE,
    });
    for (const r of page) {
      if (!res.write(r.lines)) await once(res, 'drain');
      after = r.seq;
    }
    if (page.length < REPORT_PAGE) break;
  }
  res.end();
}
