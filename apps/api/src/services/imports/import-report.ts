// The rejected-rows report of a CSV import, streamed from the lines each committed batch stored.
import { once } from 'node:events';
import type { Response } from 'express';
import type { LeadImport } from '@kindling/db';
import { csvLine } from '@kindling/leads';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';

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
