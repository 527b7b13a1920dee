// The CSV import module against real Postgres and Redis: a file stored in odd-sized chunks (records
// cut across chunks), imported in batches of 3 rows and in one batch, gives the same leads and
// the same counts (duplicates within a batch and across batches, a lead stored before, rejected
// rows); an import whose worker stopped beating is picked up by the sweep of a live one.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Queue } from 'bullmq';
import { createDb } from '@kindling/db';
import { QUEUES, createWorkerRedis, enqueueLeadsImport } from '@kindling/queue';
import { startWorker, type RunningWorker } from '../../worker.js';
import { csvImportModule } from './index.js';

const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(process.env.REDIS_URL!);
const prefix = `test-import-${randomUUID().slice(0, 8)}`;
const queue = new Queue(QUEUES.imports, { connection: redis, prefix });

const FILE = [
  'email,first,tags',
  'a@x.io,A,t1',
  'b@x.io,B,',
  'A@x.io,A2,t2',
  'not-an-email,Z,',
  'c@x.io,C,',
  'b@x.io,B2,t3',
  'pre@x.io,P,',
  'pre@x.io,P2,',
  '"z@x.io"x,Z,',
].join('\n');

const workers: RunningWorker[] = [];
async function worker(batchRows: number) {
  const w = await startWorker({
    db,
    redis,
    logger: pino({ level: 'silent' }),
    concurrency: 1,
    prefix,
    modules: [csvImportModule],
    config: {
      appSecret: 'x'.repeat(32),
      publicUrl: 'http://localhost:3000',
      trackingUrl: 'http://localhost:3001',
      imports: { databaseUrl: process.env.DATABASE_URL!, batchRows, heartbeatMs: 200 },
    },
  });
  workers.push(w);
  return w;
}

/** A workspace with a stored lead, an active campaign, and an import of FILE ready to run. */
async function prepared(claim?: { workerId: string; heartbeatAt: Date }) {
  const ws = await db.workspace.create({ data: { name: 'import test' } });
  await db.lead.create({ data: { workspaceId: ws.id, email: 'pre@x.io', firstName: 'Old' } });
  const campaign = await db.campaign.create({
    data: {
      workspaceId: ws.id,
      name: 'Imported',
      status: 'active',
      steps: { create: [{ position: 0, type: 'email', config: { subject: 'Hi' } }] },
    },
  });
  const bytes = Buffer.from(FILE);
  const id = randomUUID();
  // 7-byte chunks: records and multi-byte boundaries fall across chunks. One transaction, as
  // the api stores an upload: no worker sees the import before its whole file.
  const chunks = [];
  for (let i = 0, seq = 0; i < bytes.length; i += 7, seq++)
    chunks.push(
      db.leadImportChunk.create({ data: { importId: id, seq, data: bytes.subarray(i, i + 7) } }),
    );
  await db.$transaction([
    db.leadImport.create({
      data: {
        id,
        workspaceId: ws.id,
        status: 'running',
        fileName: 'x.csv',
        bytes: bytes.length,
        delimiter: ',',
        columns: ['email', 'first', 'tags'],
        preview: [],
        suggestedMapping: [],
        mapping: ['email', 'firstName', 'tags'],
        campaignId: campaign.id,
        startedAt: new Date(),
        workerId: claim?.workerId ?? null,
        heartbeatAt: claim?.heartbeatAt ?? new Date(),
      },
    }),
    ...chunks,
  ]);
  return { workspaceId: ws.id, importId: id, campaignId: campaign.id };
}

async function finished(importId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await db.leadImport.findUniqueOrThrow({ where: { id: importId } });
    if (s.status === 'done' || s.status === 'failed') return s;
    if (Date.now() > deadline) throw new Error(`import still ${s.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function outcome(p: Awaited<ReturnType<typeof prepared>>) {
  const s = await finished(p.importId);
  const leads = await db.lead.findMany({
    where: { workspaceId: p.workspaceId },
    orderBy: { email: 'asc' },
    select: { email: true, firstName: true, tags: true, lastImportId: true },
  });
  const enrollments = await db.enrollment.count({ where: { campaignId: p.campaignId } });
  const report = await db.leadImportReport.findMany({
    where: { importId: p.importId },
    orderBy: { seq: 'asc' },
  });
  const chunks = await db.leadImportChunk.count({ where: { importId: p.importId } });
  return {
    counts: {
      status: s.status,
      rowsRead: s.rowsRead,
      created: s.created,
      updated: s.updated,
      duplicates: s.duplicates,
      rejected: s.rejected,
      enrolled: s.enrolled,
    },
    leads,
    enrollments,
    reportRows: report.flatMap((r) => r.lines.trim().split('\n')).map((l) => l.split(',')[0]),
    chunks,
  };
}

beforeAll(async () => {
  await queue.waitUntilReady();
});
afterAll(async () => {
  for (const w of workers) await w.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await db.$disconnect();
  redis.disconnect();
});

describe('csv-import worker', () => {
  it('imports the same way in batches of 3 rows as in one batch', async () => {
    const small = await worker(3);
    const inBatches = await prepared();
    await enqueueLeadsImport(queue, inBatches.importId);
    const a = await outcome(inBatches);
    await small.close();
    workers.splice(workers.indexOf(small), 1);
    await worker(1000);
    const inOne = await prepared();
    await enqueueLeadsImport(queue, inOne.importId);
    const b = await outcome(inOne);

    const expected = {
      status: 'done',
      rowsRead: 8,
      created: 3,
      updated: 1,
      duplicates: 3,
      // The bad email, and the broken quote (csv-parse reports that record twice).
      rejected: 3,
      enrolled: 4,
    };
    expect(a.counts).toEqual(expected);
    expect(b.counts).toEqual(expected);
    const strip = (r: typeof a) => r.leads.map(({ lastImportId: _, ...l }) => l);
    expect(strip(a)).toEqual([
      { email: 'a@x.io', firstName: 'A2', tags: ['t1', 't2'] },
      { email: 'b@x.io', firstName: 'B2', tags: ['t3'] },
      { email: 'c@x.io', firstName: 'C', tags: [] },
      { email: 'pre@x.io', firstName: 'P2', tags: [] },
    ]);
    expect(strip(b)).toEqual(strip(a));
    expect(a.leads.every((l) => l.lastImportId === inBatches.importId)).toBe(true);
    expect(a.enrollments).toBe(4);
    expect(b.enrollments).toBe(4);
    expect(a.reportRows).toEqual(b.reportRows);
    expect(a.reportRows).toEqual(['5', '10', '10']);
    expect(a.chunks).toBe(0);
  });

  it('resumes an import whose worker stopped beating, without a job for it', async () => {
    const p = await prepared({
      workerId: 'gone:1:dead',
      heartbeatAt: new Date(Date.now() - 60_000),
    });
    const r = await outcome(p);
    expect(r.counts.status).toBe('done');
    expect(r.counts.created).toBe(3);
    expect(r.leads).toHaveLength(4);
    const s = await db.leadImport.findUniqueOrThrow({ where: { id: p.importId } });
    expect(s.claims).toBe(1);
    expect(s.workerId).toBeNull();
  });
});
