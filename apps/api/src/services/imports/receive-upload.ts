// CSV upload: the request body goes straight into Postgres in chunks of about 1 MiB (never the
// whole file in memory, nothing on the api host's disk), refused early when its first bytes are
// not CSV text or it grows past MAX_IMPORT_BYTES. The import row and its chunks are one
// transaction: an upload is stored whole or not at all. The header and a preview are read from
// the first 256 KiB for the mapping screen. Any api process can then serve it, any worker import it.
import { Readable } from 'node:stream';
import type { Request } from 'express';
import { parse } from 'csv-parse';
import type { PoolClient } from 'pg';
import { uuidv7 } from '@kindling/leads';
import type { ImportStatus } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import { MAX_IMPORT_BYTES, notCsvReason, sniffDelimiter, suggestMapping } from './csv-file.js';
import { importView, loadImport } from './import-state.js';

/** Bytes per stored chunk of the file. */
const CHUNK_BYTES = 1024 * 1024;
/** Bytes of the file's start kept for the header and the preview. */
const HEAD_BYTES = 256 * 1024;
const PREVIEW_ROWS = 5;

/**
 * Streams the request body into Postgres, then reads the header and a preview. Returns the new
 * import (status `uploaded`, waiting for a mapping).
 */
export async function receiveUpload(
  deps: AppDeps,
  workspaceId: string,
  req: Request,
  fileName: string,
): Promise<ImportStatus> {
  const id = uuidv7();
  const client = await deps.pgPool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "LeadImport" (id, "workspaceId", "fileName", bytes, delimiter, columns, preview, "suggestedMapping")
       VALUES ($1, $2, $3, 0, ',', '[]', '[]', '[]')`,
      [id, workspaceId, fileName.slice(0, 200)],
    );
    const { bytes, head } = await storeBody(client, id, req);
    const headText = head.toString('utf8');
    const delimiter = sniffDelimiter(headText.replace(/^\uFEFF/, ''));
    const rows = await previewRows(head, delimiter);
    const columns = (rows[0] ?? []).map((c) => c.trim());
    if (columns.length === 0 || columns.every((c) => c === ''))
      throw new AppError(
        'bad_request',
        'The file has no header row: the first line must name the columns',
      );
    await client.query(
      `UPDATE "LeadImport" SET bytes = $2, delimiter = $3, columns = $4, preview = $5, "suggestedMapping" = $6 WHERE id = $1`,
      [
        id,
        bytes,
        delimiter,
        JSON.stringify(columns),
        JSON.stringify(rows.slice(1, PREVIEW_ROWS + 1)),
        JSON.stringify(suggestMapping(columns)),
      ],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    if (err instanceof AppError) throw err;
    if (req.readableAborted || req.destroyed)
      throw new AppError('bad_request', 'The upload was interrupted; try again');
    throw err;
  } finally {
    client.release(broken);
  }
  return importView(await loadImport(deps, workspaceId, id));
}

/** Reads the body into chunk rows; returns its size and its first HEAD_BYTES. */
async function storeBody(
  client: PoolClient,
  id: string,
  req: Request,
): Promise<{ bytes: number; head: Buffer }> {
  let head = Buffer.alloc(0);
  let checked = false;
  let bytes = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await client.query(
      `INSERT INTO "LeadImportChunk" ("importId", seq, data) VALUES ($1, $2, $3)`,
      [id, seq++, data],
    );
  };
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > MAX_IMPORT_BYTES)
        throw new AppError('payload_too_large', 'The file is larger than 1 GB');
      if (head.length < HEAD_BYTES)
        head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      if (!checked && head.length >= 4096) {
        checked = true;
        const why = notCsvReason(head);
        if (why) throw new AppError('bad_request', why);
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('bad_request', 'The upload was interrupted; try again');
  }
  if (!checked) {
    const why = notCsvReason(head);
    if (why) throw new AppError('bad_request', why);
  }
  await flush();
  return { bytes, head };
}

/** The header row and the first rows after it, parsed from the file's start. */
async function previewRows(head: Buffer, delimiter: string): Promise<string[][]> {
  const rows: string[][] = [];
  try {
    const parser = Readable.from([head]).pipe(
      parse({
        bom: true,
        delimiter,
        relax_column_count: true,
        to_line: 200,
        skip_empty_lines: true,
      }),
    );
    for await (const record of parser) {
      rows.push(record as string[]);
      if (rows.length > PREVIEW_ROWS) break;
    }
  } catch (err) {
    // A record cut at the end of the sample is not an error once the preview has its rows.
    if (rows.length === 0)
      throw new AppError(
        'bad_request',
        `This file could not be read as CSV: ${(err as Error).message}`,
      );
  }
  return rows;
}
