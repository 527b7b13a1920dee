// CSV import: the upload is streamed to disk (never held in memory), checked to be CSV text,
// previewed for the mapping screen, then imported in the background:
//   file -> streaming parse + per-row validation -> COPY into a temp staging table
//        -> one set-based INSERT ... ON CONFLICT ("workspaceId", email) DO UPDATE per duplicate rank
// Rejected rows go to a report file (row, column, reason, value) and never stop the rest.
// Merge rules are those of upsertLead in @kindling/leads (form capture), applied set-based here
// because a row-by-row upsert cannot reach COPY-like speed at a million rows: dedupe by
// lower-cased email within the workspace, non-empty
// imported values win over stored ones, empty cells never erase, tags and custom fields are
// merged, first-touch attribution is never touched and status is never changed (an unsubscribed
// lead stays unsubscribed). Progress lives in Redis for the web app to poll.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform, type Writable } from 'node:stream';
import type { Request } from 'express';
import { parse } from 'csv-parse';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { enrollMany } from '@kindling/campaigns';
import type { TriggerType } from '@kindling/db';
import {
  isEmailAddress,
  isValidTimeZone,
  unstorableTextReason,
  type ImportStatus,
} from '@kindling/shared';
import type { AppDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { csvLine } from './csv.js';

/** Largest accepted upload; a million typical rows is well under 200 MB. */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
const STATE_TTL_S = 7 * 24 * 3600;
const PREVIEW_ROWS = 5;
const PROGRESS_EVERY = 10_000;

/** Where uploads and reports live: one directory per api host. */
export function importDir(): string {
  return path.join(os.tmpdir(), 'kindling-imports');
}
const uploadPath = (id: string) => path.join(importDir(), `${id}.csv`);
export const reportPath = (id: string) => path.join(importDir(), `${id}.rejected.csv`);
const stateKey = (id: string) => `kindling:lead-import:${id}`;

interface ImportState extends ImportStatus {
  workspaceId: string;
  delimiter: string;
  mapping: string[] | null;
  tag: string | null;
  campaignId: string | null;
  /** Last sign of life of the process running the import (ms since epoch). */
  heartbeatAt?: number;
}

// An import runs inside one api process; if that process dies, nothing finishes it. A running
// import without a heartbeat for this long is reported as failed instead of spinning forever.
const HEARTBEAT_MS = 10_000;
const STALE_MS = 120_000;

/** Public view of an import's state (no workspace id or internals). */
export function importView(s: ImportState): ImportStatus {
  const {
    workspaceId: _w,
    delimiter: _d,
    mapping: _m,
    tag: _t,
    campaignId: _c,
    heartbeatAt,
    ...view
  } = s;
  if (
    view.status === 'running' &&
    heartbeatAt !== undefined &&
    Date.now() - heartbeatAt > STALE_MS
  ) {
    return {
      ...view,
      status: 'failed',
      error:
        'The import stopped (the server restarted); leads merged so far are kept. Upload the file again to finish.',
    };
  }
  return view;
}

async function saveState(deps: AppDeps, s: ImportState): Promise<void> {
  s.heartbeatAt = Date.now();
  await deps.redis.set(stateKey(s.id), JSON.stringify(s), 'EX', STATE_TTL_S);
}

/** Loads an import of this workspace; another workspace's import is a 404. */
export async function loadImport(
  deps: AppDeps,
  workspaceId: string,
  id: string,
): Promise<ImportState> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new AppError('not_found', 'Import not found');
  const raw = await deps.redis.get(stateKey(id));
  const s = raw ? (JSON.parse(raw) as ImportState) : null;
  if (!s || s.workspaceId !== workspaceId) throw new AppError('not_found', 'Import not found');
  return s;
}

/** Recognises files that are clearly not CSV text from their first bytes; returns why, or null. */
export function notCsvReason(head: Buffer): string | null {
  const starts = (sig: number[]) => sig.every((b, i) => head[i] === b);
  if (starts([0x50, 0x4b, 0x03, 0x04]))
    return 'This looks like an Excel workbook (.xlsx) or a zip file, not CSV. In Excel use File > Save As > "CSV UTF-8".';
  if (starts([0xd0, 0xcf, 0x11, 0xe0]))
    return 'This looks like an old Excel workbook (.xls), not CSV. In Excel use File > Save As > "CSV UTF-8".';
  if (starts([0x25, 0x50, 0x44, 0x46])) return 'This is a PDF file, not CSV.';
  if (starts([0x1f, 0x8b])) return 'This is a gzip-compressed file; upload the CSV inside it.';
  if (head.length === 0) return 'The file is empty.';
  if (head.includes(0)) return 'This file is binary (it contains NUL bytes), not CSV text.';
  // Streaming mode: a multi-byte character cut at the end of the sample is not an error.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return 'This file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.';
  }
  return null;
}

/** Guesses the delimiter from the header line: comma unless semicolons or tabs clearly win. */
function sniffDelimiter(head: string): string {
  const line = head.split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => line.split(c).length - 1;
  const counts = [',', ';', '\t'].map((c) => [c, count(c)] as const).sort((a, b) => b[1] - a[1]);
  return counts[0] && counts[0][1] > 0 ? counts[0][0] : ',';
}

const FIELD_ALIASES: Record<string, string> = {
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  firstname: 'firstName',
  givenname: 'firstName',
  first: 'firstName',
  lastname: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  last: 'lastName',
  phone: 'phone',
  phonenumber: 'phone',
  mobile: 'phone',
  telephone: 'phone',
  tags: 'tags',
  tag: 'tags',
  timezone: 'timeZone',
  tz: 'timeZone',
};

/** Maps header names onto lead fields; anything unknown becomes a custom field. */
export function suggestMapping(columns: string[]): string[] {
  const used = new Set<string>();
  return columns.map((c) => {
    const key = c.toLowerCase().replace(/[^a-z0-9]/g, '');
    const field = FIELD_ALIASES[key];
    if (field && !used.has(field)) {
      used.add(field);
      return field;
    }
    const custom = c
      .trim()
      .replace(/[^A-Za-z0-9_ -]/g, '')
      .slice(0, 64)
      .trim();
    return custom ? `cf.${custom}` : 'skip';
  });
}

/**
 * Streams the request body to disk, refusing it early when the first bytes are not CSV text or
 * it grows past MAX_IMPORT_BYTES; then reads the header and a preview. Returns the new import.
 */
export async function receiveUpload(
  deps: AppDeps,
  workspaceId: string,
  req: Request,
  fileName: string,
): Promise<ImportStatus> {
  await mkdir(importDir(), { recursive: true });
  void sweepOldFiles();
  const id = randomUUID();
  const file = uploadPath(id);
  let head = Buffer.alloc(0);
  let checked = false;
  let bytes = 0;
  const gate = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > MAX_IMPORT_BYTES)
        return done(new AppError('payload_too_large', 'The file is larger than 1 GB'));
      if (!checked) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= 4096) {
          checked = true;
          const why = notCsvReason(head);
          if (why) return done(new AppError('bad_request', why));
        }
      }
      done(null, chunk);
    },
    flush(done) {
      if (!checked) {
        const why = notCsvReason(head);
        if (why) return done(new AppError('bad_request', why));
      }
      done();
    },
  });
  try {
    await pipeline(req, gate, createWriteStream(file));
  } catch (err) {
    await rm(file, { force: true });
    if (err instanceof AppError) throw err;
    throw new AppError('bad_request', 'The upload was interrupted; try again');
  }

  const headText = await readHead(file, 256 * 1024);
  const delimiter = sniffDelimiter(headText.replace(/^\uFEFF/, ''));
  const rows: string[][] = [];
  try {
    const parser = createReadStream(file).pipe(
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
    if (rows.length === 0) {
      await rm(file, { force: true });
      throw new AppError(
        'bad_request',
        `This file could not be read as CSV: ${(err as Error).message}`,
      );
    }
  }
  const columns = (rows[0] ?? []).map((c) => c.trim());
  if (columns.length === 0 || columns.every((c) => c === '')) {
    await rm(file, { force: true });
    throw new AppError(
      'bad_request',
      'The file has no header row: the first line must name the columns',
    );
  }
  const state: ImportState = {
    id,
    workspaceId,
    status: 'uploaded',
    fileName: fileName.slice(0, 200),
    bytes,
    columns,
    preview: rows.slice(1, PREVIEW_ROWS + 1),
    suggestedMapping: suggestMapping(columns),
    rowsRead: 0,
    created: 0,
    updated: 0,
    duplicates: 0,
    rejected: 0,
    enrolled: 0,
    error: null,
    startedAt: null,
    finishedAt: null,
    delimiter,
    mapping: null,
    tag: null,
    campaignId: null,
  };
  await saveState(deps, state);
  return importView(state);
}

async function readHead(file: string, max: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** Checks the mapping and starts the import in the background; answers with the running state. */
export async function startImport(
  deps: AppDeps,
  workspaceId: string,
  id: string,
  input: { mapping: string[]; tag?: string; campaignId?: string },
): Promise<ImportStatus> {
  const s = await loadImport(deps, workspaceId, id);
  if (s.status !== 'uploaded') throw new AppError('conflict', 'This import has already started');
  if (input.mapping.length !== s.columns.length)
    throw new AppError('validation_failed', 'Map every column', [
      { field: 'mapping', issue: `expected ${s.columns.length} entries, one per column` },
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
  s.status = 'running';
  s.mapping = input.mapping;
  s.tag = input.tag ?? null;
  s.campaignId = input.campaignId ?? null;
  s.startedAt = new Date().toISOString();
  await saveState(deps, s);
  void runImport(deps, s).catch(async (err: unknown) => {
    deps.logger.error({ err, importId: s.id }, 'lead import failed');
    s.status = 'failed';
    s.error = 'The import stopped because of a server error; it has been logged';
    s.finishedAt = new Date().toISOString();
    await saveState(deps, s).catch(() => undefined);
  });
  return importView(s);
}

interface Problem {
  column: string;
  reason: string;
  value: string;
}

/** Escapes one value for COPY ... WITH (FORMAT csv): always quoted, so NULL stays distinct. */
function copyValue(v: string | null): string {
  return v === null ? '' : `"${v.replace(/"/g, '""')}"`;
}

/** A PostgreSQL text[] literal. */
function pgArray(items: string[]): string {
  return `{${items.map((t) => `"${t.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

type RowOut = { line: string } | { problems: Problem[] };

/** Validates one parsed record against the mapping; returns the COPY line or the problems. */
export function prepareRow(
  record: string[],
  columns: string[],
  mapping: string[],
  rowNumber: number,
  tag: string | null,
): RowOut {
  const problems: Problem[] = [];
  let email: string | null = null;
  let firstName: string | null = null;
  let lastName: string | null = null;
  let phone: string | null = null;
  let timeZone: string | null = null;
  const tags: string[] = [];
  // Null prototype: a column mapped to cf.__proto__ is a key like any other, not a prototype.
  let custom: Record<string, string> | null = null;
  if (record.length > columns.length && record.slice(columns.length).some((v) => v.trim() !== '')) {
    problems.push({
      column: '(row)',
      reason: `has ${record.length} columns but the header has ${columns.length}`,
      value: '',
    });
  }
  for (let i = 0; i < mapping.length; i++) {
    const target = mapping[i]!;
    if (target === 'skip') continue;
    const column = columns[i] ?? `column ${i + 1}`;
    const raw = record[i] ?? '';
    if (raw.includes('\uFFFD')) {
      problems.push({ column, reason: 'is not valid UTF-8 text', value: raw });
      continue;
    }
    const unstorable = unstorableTextReason(raw);
    if (unstorable) {
      // Escaped, so the report shows where the NUL was instead of carrying it.
      problems.push({ column, reason: unstorable, value: JSON.stringify(raw).slice(1, 101) });
      continue;
    }
    const value = raw.trim();
    const text = (max: number) => {
      if (value === '') return null;
      if (value.length > max) {
        problems.push({
          column,
          reason: `is longer than ${max} characters`,
          value: raw.slice(0, 100),
        });
        return null;
      }
      return value;
    };
    switch (target) {
      case 'email':
        if (value === '') problems.push({ column, reason: 'email is required', value: raw });
        else if (!isEmailAddress(value))
          problems.push({ column, reason: 'is not a valid email address', value: raw });
        else email = value.toLowerCase();
        break;
      case 'firstName':
        firstName = text(200);
        break;
      case 'lastName':
        lastName = text(200);
        break;
      case 'phone':
        phone = text(50);
        break;
      case 'timeZone':
        if (value !== '' && !isValidTimeZone(value))
          problems.push({
            column,
            reason: 'is not a known time zone (use an IANA name such as Europe/Berlin)',
            value: raw,
          });
        else timeZone = value || null;
        break;
      case 'tags':
        for (const t of value.split(/[;,]/)) {
          const tagText = t.trim();
          if (!tagText) continue;
          if (tagText.length > 100)
            problems.push({
              column,
              reason: 'has a tag longer than 100 characters',
              value: tagText.slice(0, 100),
            });
          else if (!tags.includes(tagText)) tags.push(tagText);
        }
        break;
      default: {
        const v = text(2000);
        if (v !== null)
          (custom ??= Object.create(null) as Record<string, string>)[target.slice(3)] = v;
      }
    }
  }
  if (problems.length) return { problems };
  if (tag && !tags.includes(tag)) tags.push(tag);
  const line = [
    String(rowNumber),
    copyValue(email),
    copyValue(firstName),
    copyValue(lastName),
    copyValue(phone),
    copyValue(timeZone),
    copyValue(tags.length ? pgArray(tags) : null),
    copyValue(custom ? JSON.stringify(custom) : null),
  ].join(',');
  return { line: line + '\n' };
}

// Time-ordered UUIDs (v7), like Prisma's uuid(7), keep primary-key inserts local. Made here while
// parsing (cheap, and in parallel with PostgreSQL's work) rather than in SQL, where the same
// expression cost about 3 s per million rows.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
let randomPool = Buffer.alloc(0);
let randomPos = 0;
/** A random UUID v7 for `now` (ms): 48-bit timestamp, version 7, variant 10, 74 random bits. */
export function fastUuidV7(now: number): string {
  if (randomPos + 10 > randomPool.length) {
    randomPool = randomBytes(16 * 1024);
    randomPos = 0;
  }
  const r = randomPool;
  const p = randomPos;
  randomPos += 10;
  const ts = now.toString(16).padStart(12, '0');
  return (
    `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${(r[p]! & 0x0f).toString(16)}${HEX[r[p + 1]!]}-` +
    `${HEX[(r[p + 2]! & 0x3f) | 0x80]}${HEX[r[p + 3]!]}-` +
    `${HEX[r[p + 4]!]}${HEX[r[p + 5]!]}${HEX[r[p + 6]!]}${HEX[r[p + 7]!]}${HEX[r[p + 8]!]}${HEX[r[p + 9]!]}`
  );
}

async function write(stream: Writable, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/** Runs one import to the end, updating its state in Redis as it goes. */
async function runImport(deps: AppDeps, s: ImportState): Promise<void> {
  const mapping = s.mapping ?? [];
  const report = createWriteStream(reportPath(s.id));
  await write(report, csvLine(['row', 'column', 'reason', 'value']));
  // Long single statements (the merge) save no progress; the heartbeat says the import lives.
  const heartbeat = setInterval(() => void saveState(deps, s).catch(() => undefined), HEARTBEAT_MS);
  const client = await deps.pgPool.connect();
  const staging = `lead_import_${s.id.replace(/-/g, '')}`;
  let broken = false;
  try {
    await client.query(
      `CREATE TEMP TABLE ${staging} (id uuid, rownum int, email text, first_name text, last_name text, phone text, time_zone text, tags text[], custom jsonb)`,
    );
    const copy = client.query(copyFrom(`COPY ${staging} FROM STDIN WITH (FORMAT csv)`));
    const copyDone = new Promise<void>((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
    const parser = createReadStream(uploadPath(s.id)).pipe(
      parse({
        bom: true,
        delimiter: s.delimiter,
        relax_column_count: true,
        skip_empty_lines: true,
        skip_records_with_error: true,
        info: true,
      }),
    );
    let rowNumber = 0;
    parser.on('skip', (err: Error & { lines?: number }) => {
      s.rejected++;
      report.write(
        csvLine([String(err.lines ?? '?'), '(row)', `is not valid CSV: ${err.message}`, '']),
      );
    });
    let batch = '';
    let staged = 0;
    let first = true;
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { records: number };
    }>) {
      if (first) {
        first = false; // the header
        continue;
      }
      rowNumber = item.info.records;
      s.rowsRead++;
      const out = prepareRow(item.record, s.columns, mapping, rowNumber, s.tag);
      if ('line' in out) {
        staged++;
        batch += `${fastUuidV7(Date.now())},${out.line}`;
        if (batch.length > 65536) {
          await write(copy, batch);
          batch = '';
        }
      } else {
        s.rejected++;
        for (const p of out.problems)
          await write(report, csvLine([String(rowNumber), p.column, p.reason, p.value]));
      }
      if (s.rowsRead % PROGRESS_EVERY === 0) await saveState(deps, s);
    }
    if (batch) await write(copy, batch);
    copy.end();
    await copyDone;
    await saveState(deps, s);

    const merge = (where: string, params: unknown[]) =>
      client.query<{ created: number }>(
        `WITH up AS (
           INSERT INTO "Lead" (id, "workspaceId", email, "firstName", "lastName", phone, "timeZone", tags, "customFields", "createdAt", "updatedAt")
           SELECT id, $1::uuid, email, first_name, last_name, phone, time_zone, coalesce(tags, '{}'), coalesce(custom, '{}'), now(), now()
           FROM ${staging} ${where}
           ON CONFLICT ("workspaceId", email) DO UPDATE SET
             "firstName" = coalesce(EXCLUDED."firstName", "Lead"."firstName"),
             "lastName" = coalesce(EXCLUDED."lastName", "Lead"."lastName"),
             phone = coalesce(EXCLUDED.phone, "Lead".phone),
             "timeZone" = coalesce(EXCLUDED."timeZone", "Lead"."timeZone"),
             tags = CASE WHEN cardinality(EXCLUDED.tags) = 0 THEN "Lead".tags
                    ELSE ARRAY(SELECT t FROM unnest("Lead".tags || EXCLUDED.tags) WITH ORDINALITY u(t, o) GROUP BY t ORDER BY min(o)) END,
             "customFields" = "Lead"."customFields" || EXCLUDED."customFields",
             "updatedAt" = now()
           RETURNING (xmax = 0) AS inserted
         )
         SELECT (count(*) FILTER (WHERE inserted))::int AS created FROM up`,
        params,
      );
    let created = 0;
    let distinct = staged;
    await client.query('BEGIN');
    try {
      // Most files repeat no email: try everything in one statement. A repeated email makes
      // PostgreSQL refuse (21000, "cannot affect row a second time"); then merge in file order:
      // pass 1 upserts each email's first row, pass 2 its second row, and so on, through the same
      // ON CONFLICT rules as leads already stored.
      await client.query('SAVEPOINT single_pass');
      try {
        created = (await merge('', [s.workspaceId])).rows[0]?.created ?? 0;
      } catch (err) {
        if ((err as { code?: string }).code !== '21000') throw err;
        await client.query('ROLLBACK TO SAVEPOINT single_pass');
        await client.query(`ALTER TABLE ${staging} ADD COLUMN pass int`);
        await client.query(
          `UPDATE ${staging} t SET pass = r.pass FROM (SELECT rownum, row_number() OVER (PARTITION BY email ORDER BY rownum)::int AS pass FROM ${staging}) r WHERE r.rownum = t.rownum`,
        );
        const stats = await client.query<{ passes: number; distinct: number }>(
          `SELECT max(pass)::int AS passes, (count(*) FILTER (WHERE pass = 1))::int AS distinct FROM ${staging}`,
        );
        distinct = stats.rows[0]?.distinct ?? 0;
        for (let pass = 1; pass <= (stats.rows[0]?.passes ?? 0); pass++) {
          created += (await merge('WHERE pass = $2', [s.workspaceId, pass])).rows[0]?.created ?? 0;
        }
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    s.duplicates = staged - distinct;
    s.created = created;
    s.updated = distinct - created;
    await saveState(deps, s);

    await enrollImported(deps, client, staging, s);
    s.status = 'done';
    s.finishedAt = new Date().toISOString();
    await saveState(deps, s);
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    clearInterval(heartbeat);
    await client.query(`DROP TABLE IF EXISTS ${staging}`).catch(() => {
      broken = true;
    });
    client.release(broken);
    report.end();
    await once(report, 'close').catch(() => undefined);
    await rm(uploadPath(s.id), { force: true });
  }
}

/** Imported lead ids handed to the enrollment service per round (one INSERT per campaign). */
const ENROLL_BATCH = 10_000;

/**
 * Enrolls the imported leads through the one enrollment service, set-based (enrollMany, as the
 * API's bulk enroll): the chosen campaign, plus any active campaign triggered by CSV imports or
 * by the import's tag. The ids are read through a cursor, so memory stays flat at any size.
 * Skipped entirely when no campaign applies.
 */
async function enrollImported(
  deps: AppDeps,
  client: PoolClient,
  staging: string,
  s: ImportState,
): Promise<void> {
  const triggered = await deps.db.campaign.findMany({
    where: {
      workspaceId: s.workspaceId,
      status: 'active',
      triggers: {
        some: {
          OR: [
            { type: 'csv_import' },
            ...(s.tag ? [{ type: 'tag_added' as const, tag: s.tag }] : []),
          ],
        },
      },
    },
    select: { id: true, triggers: { select: { type: true, tag: true } } },
  });
  const targets = new Map<string, TriggerType>();
  if (s.campaignId) targets.set(s.campaignId, 'csv_import');
  for (const c of triggered) {
    const byCsv = c.triggers.some((t) => t.type === 'csv_import');
    if (!targets.has(c.id)) targets.set(c.id, byCsv ? 'csv_import' : 'tag_added');
  }
  if (targets.size === 0) return;
  // The merge just added up to millions of leads the planner does not know about yet; with stale
  // statistics enrollMany's anti-join becomes a nested loop over every earlier batch (66 s per
  // 10,000 leads instead of 0.2 s). A sampled ANALYZE costs a fraction of a second.
  await client.query('ANALYZE "Lead"');
  await client.query('BEGIN');
  try {
    await client.query(
      `DECLARE imported CURSOR FOR SELECT l.id FROM "Lead" l JOIN (SELECT DISTINCT email FROM ${staging}) t ON t.email = l.email WHERE l."workspaceId" = $1::uuid`,
      [s.workspaceId],
    );
    for (;;) {
      const { rows } = await client.query<{ id: string }>(`FETCH ${ENROLL_BATCH} FROM imported`);
      if (rows.length === 0) break;
      const leadIds = rows.map((r) => r.id);
      for (const [campaignId, source] of targets) {
        s.enrolled += await enrollMany(deps.db, {
          workspaceId: s.workspaceId,
          campaignId,
          leadIds,
          source,
        });
      }
      await saveState(deps, s);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Removes uploads never started and reports whose import state has expired (best effort). */
async function sweepOldFiles(): Promise<void> {
  try {
    const cutoff = Date.now() - STATE_TTL_S * 1000;
    for (const name of await readdir(importDir())) {
      const file = path.join(importDir(), name);
      const info = await stat(file).catch(() => null);
      if (info && info.mtimeMs < cutoff) await rm(file, { force: true });
    }
  } catch {
    /* a failed sweep must never fail an upload */
  }
}

/** True when the rejected-rows report exists for this import. */
export async function reportExists(id: string): Promise<boolean> {
  try {
    await stat(reportPath(id));
    return true;
  } catch {
    return false;
  }
}
