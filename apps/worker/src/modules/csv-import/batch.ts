// One batch of an import, committed in one transaction: the claim check at the expected position,
// the rows staged by COPY and merged into "Lead" (mergeStagedLeads, the lead merge rules), their
// enrollment (the enrollment service's set-based statement), the rejected rows' report lines and
// the new position and counts. A crash before COMMIT leaves nothing of the batch; after it, the
// position says where to go on. So every row is imported exactly once, whoever resumes.
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { BULK_ENROLL_CHUNK, bulkEnrollStatement, type BulkEnrollPlan } from '@kindling/campaigns';
import type { TriggerType } from '@kindling/db';
import {
  IMPORT_COPY_COLUMNS,
  IMPORT_STAGING_COLUMNS,
  mergeStagedLeads,
  type ImportQuery,
} from '@kindling/leads';

/** The session's staging table (emptied at every commit). */
export const STAGE = 'lead_import_stage';

/** Creates the staging table on this connection if it has none yet. */
export async function ensureStage(client: PoolClient): Promise<void> {
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (${IMPORT_STAGING_COLUMNS}) ON COMMIT DELETE ROWS`,
  );
}

/** Rows of the file between the previous batch's last line (exclusive) and `lastLine`. */
export interface Batch {
  /** COPY lines of the valid rows. */
  copy: string;
  staged: number;
  /** Records read (valid or not), rejected records, and their report lines. */
  rowsRead: number;
  rejected: number;
  report: string;
  lastLine: number;
  /** The file's last batch: the import is done when it commits. */
  final: boolean;
}

export interface Enrollments {
  /** Campaigns enrolled set-based inside the batch transaction, with the trigger recorded. */
  bulk: { plan: BulkEnrollPlan; source: TriggerType }[];
  /** Whether any campaign needs the batch's lead ids (bulk or one at a time). */
  any: boolean;
}

/** The claim moved on (another worker took over, or the import is no longer running). */
export class ClaimLost extends Error {
  constructor(id: string) {
    super(`import ${id}: the claim is no longer this worker's`);
  }
}

/**
 * Commits one batch; returns the batch's lead ids (when enrollments need them) and the new
 * position. Throws ClaimLost when this worker no longer holds the import at `fromLine`.
 */
export async function commitBatch(
  client: PoolClient,
  run: { importId: string; workspaceId: string; workerId: string },
  fromLine: number,
  batch: Batch,
  enroll: Enrollments,
): Promise<{ leadIds: string[] }> {
  const query: ImportQuery = (text, params) => client.query(text, params);
  await client.query('BEGIN');
  try {
    // Locks the row: a second worker's commit of the same batch waits, then finds it moved.
    const own = await client.query<{ batches: number }>(
      `UPDATE "LeadImport" SET "heartbeatAt" = now()
       WHERE id = $1 AND "workerId" = $2 AND "committedLine" = $3 AND status = 'running'
       RETURNING batches`,
      [run.importId, run.workerId, fromLine],
    );
    const seq = own.rows[0]?.batches;
    if (seq === undefined) throw new ClaimLost(run.importId);
    let merged = { created: 0, updated: 0, duplicates: 0, leadIds: [] as string[] };
    let enrolled = 0;
    if (batch.staged > 0) {
      await copyInto(client, batch.copy);
      merged = await mergeStagedLeads(query, STAGE, {
        workspaceId: run.workspaceId,
        importId: run.importId,
        leadIds: enroll.any,
      });
      for (const { plan, source } of enroll.bulk) {
        for (let i = 0; i < merged.leadIds.length; i += BULK_ENROLL_CHUNK) {
          const { text, values } = bulkEnrollStatement(plan, {
            workspaceId: run.workspaceId,
            leadIds: merged.leadIds.slice(i, i + BULK_ENROLL_CHUNK),
            source,
          });
          enrolled += (await client.query(text, values)).rowCount ?? 0;
        }
      }
    }
    if (batch.report)
      await client.query(
        `INSERT INTO "LeadImportReport" ("importId", seq, lines) VALUES ($1, $2, $3)`,
        [run.importId, seq, batch.report],
      );
    await client.query(
      `UPDATE "LeadImport" SET "committedLine" = $2, batches = batches + 1,
         "rowsRead" = "rowsRead" + $3, rejected = rejected + $4, created = created + $5,
         updated = updated + $6, duplicates = duplicates + $7, enrolled = enrolled + $8,
         "heartbeatAt" = now(),
         status = CASE WHEN $9::boolean THEN 'done' ELSE status END,
         "finishedAt" = CASE WHEN $9::boolean THEN now() ELSE "finishedAt" END,
         "workerId" = CASE WHEN $9::boolean THEN NULL ELSE "workerId" END
       WHERE id = $1`,
      [
        run.importId,
        batch.lastLine,
        batch.rowsRead,
        batch.rejected,
        merged.created,
        merged.updated,
        merged.duplicates,
        enrolled,
        batch.final,
      ],
    );
    // The file is no longer needed once every row is in.
    if (batch.final)
      await client.query(`DELETE FROM "LeadImportChunk" WHERE "importId" = $1`, [run.importId]);
    await client.query('COMMIT');
    return { leadIds: merged.leadIds };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function copyInto(client: PoolClient, text: string): Promise<void> {
  const copy = client.query(
    copyFrom(`COPY ${STAGE} (${IMPORT_COPY_COLUMNS}) FROM STDIN WITH (FORMAT csv)`),
  );
  await new Promise<void>((resolve, reject) => {
    copy.on('finish', resolve);
    copy.on('error', reject);
    copy.end(text);
  });
}
