// Crash safety of the CSV import: the built api takes a 60,000-row upload into a campaign, two
// built worker processes import it in batches, and the worker holding the import is SIGKILLed
// twice mid-import (and restarted). Another worker finishes it from the last committed row:
// every row imported exactly once (counted in "Lead" and "Enrollment", no duplicate, none
// missing), every rejected row reported once.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { freePort, waitTcp } from '../scripts/lib/net.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = 60_000;
/** Every 997th row has an email that is not one: rejected into the report. */
const BAD_EVERY = 997;
const KILLS = 2;

// A Redis database of its own: other products' workers use BullMQ's default prefix on db 0.
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'production',
  DATABASE_URL: process.env.DATABASE_URL!,
  REDIS_URL: process.env.REDIS_URL!.replace(/\/\d*$/, '/8'),
  APP_SECRET: 'import-crash-secret-0123456789abcdef012345',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
};
const children: ChildProcess[] = [];
const workers: ChildProcess[] = [];
let logs = '';
let apiUrl = '';
const db = new pg.Client({ connectionString: process.env.DATABASE_URL });

function launch(app: 'api' | 'worker', extra: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [path.join(root, `apps/${app}/dist/main.js`)], {
    cwd: root,
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (c: Buffer) => (logs = (logs + `[${app}] ${c.toString()}`).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.push(child);
  return child;
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function startWorker(slot: number): Promise<void> {
  const healthPort = await freePort();
  const child = launch('worker', {
    HEALTH_PORT: String(healthPort),
    DEV_SMTP_PORT: '0',
    INBOUND_SMTP_PORT: '-1',
    IMPORT_BATCH_ROWS: '1000',
    IMPORT_HEARTBEAT_MS: '300',
  });
  workers[slot] = child;
  await waitTcp(healthPort, child, () => `worker ${slot} (${logs.slice(-2000)})`);
}

beforeAll(async () => {
  await db.connect();
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const api = launch('api', { PORT: String(port), PUBLIC_URL: apiUrl });
  await waitTcp(port, api, () => `api (${logs.slice(-2000)})`);
  await Promise.all([startWorker(0), startWorker(1)]);
});
afterAll(async () => {
  await Promise.all(children.map((c) => stop(c, 'SIGKILL')));
  await db.end();
});

interface ImportRow {
  status: string;
  workerId: string | null;
  committedLine: number;
  rowsRead: number;
  created: number;
  updated: number;
  duplicates: number;
  rejected: number;
  enrolled: number;
  claims: number;
}

it('a killed worker’s import is finished by another, every row imported once', async () => {
  const email = `importer-${Date.now()}@example.test`;
  const signup = await fetch(`${apiUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Importer',
      email,
      password: 'correct horse battery',
      workspaceName: 'Crash import',
    }),
  });
  expect(signup.status).toBe(201);
  const cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
  const workspaceId = ((await signup.json()) as { workspace: { id: string } }).workspace.id;
  // A campaign that opens with a day's wait: enrolled leads are not due while the test runs.
  const campaignId = (
    await db.query<{ id: string }>(
      `WITH c AS (INSERT INTO "Campaign" (id, "workspaceId", name, status, "updatedAt")
         VALUES (gen_random_uuid(), $1, 'Imported', 'active', now()) RETURNING id),
       s AS (INSERT INTO "CampaignStep" (id, "campaignId", position, type, config, "updatedAt")
         SELECT gen_random_uuid(), id, 0, 'wait', '{"minutes":1440}', now() FROM c)
       SELECT id FROM c`,
      [workspaceId],
    )
  ).rows[0]!.id;

  const good: string[] = [];
  let bad = 0;
  let csv = 'email,first_name,n\n';
  for (let i = 1; i <= ROWS; i++) {
    if (i % BAD_EVERY === 0) {
      bad++;
      csv += `not-an-email-${i},Bad,${i}\n`;
    } else {
      good.push(`lead${i}@crash.example`);
      csv += `lead${i}@crash.example,Lead ${i},${i}\n`;
    }
  }
  const headers = { cookie, 'x-kindling-upload': '1', 'content-type': 'text/csv' };
  const up = await fetch(`${apiUrl}/api/leads/imports?fileName=crash.csv`, {
    method: 'POST',
    headers,
    body: csv,
  });
  expect(up.status).toBe(201);
  const id = ((await up.json()) as { id: string }).id;
  const start = await fetch(`${apiUrl}/api/leads/imports/${id}/start`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ mapping: ['email', 'firstName', 'cf.n'], campaignId }),
  });
  expect(start.status).toBe(202);

  const row = async () =>
    (await db.query<ImportRow>(`SELECT * FROM "LeadImport" WHERE id = $1`, [id])).rows[0]!;
  const t0 = Date.now();
  const killedAt: number[] = [];
  // Kills at random points: past a random number of committed rows after the previous one.
  const nextKill = (after: number) => after + 1 + Math.floor(Math.random() * (ROWS / 4));
  let killLine = nextKill(0);
  for (;;) {
    const s = await row();
    if (s.status !== 'running') break;
    if (Date.now() - t0 > 120_000) throw new Error(`import still running: ${JSON.stringify(s)}`);
    // Kill the holder once it has committed past the kill point, while rows are left.
    if (
      killedAt.length < KILLS &&
      s.workerId &&
      s.committedLine >= killLine &&
      s.rowsRead < ROWS * 0.8
    ) {
      const pid = Number(s.workerId.split(':')[1]);
      const slot = workers.findIndex((w) => w.pid === pid);
      expect(slot, `holder ${s.workerId} is one of the test's workers`).toBeGreaterThanOrEqual(0);
      await stop(workers[slot]!, 'SIGKILL');
      killedAt.push(s.committedLine);
      killLine = nextKill(s.committedLine);
      console.log(`[import-crash] killed worker ${slot} at line ${s.committedLine}`);
      await startWorker(slot);
      continue;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const s = await row();
  console.log(`[import-crash] ${JSON.stringify({ ...s, killedAt, ms: Date.now() - t0 })}`);
  expect(s.status, logs.slice(-3000)).toBe('done');
  expect(killedAt).toHaveLength(KILLS);
  expect(s.claims).toBeGreaterThanOrEqual(KILLS + 1);
  expect(s.rowsRead).toBe(ROWS);
  expect(s.created).toBe(good.length);
  expect(s.updated).toBe(0);
  expect(s.duplicates).toBe(0);
  expect(s.rejected).toBe(bad);
  expect(s.enrolled).toBe(good.length);

  // Counted in the tables: each good row is one lead and one enrollment, nothing else.
  const leads = await db.query<{ email: string; n: string }>(
    `SELECT email, "customFields"->>'n' AS n FROM "Lead" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  expect(leads.rows).toHaveLength(good.length);
  expect(new Set(leads.rows.map((l) => l.email))).toEqual(new Set(good));
  expect(leads.rows.every((l) => l.email === `lead${l.n}@crash.example`)).toBe(true);
  const enrolled = await db.query<{ n: number; leads: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT "leadId")::int AS leads FROM "Enrollment" WHERE "campaignId" = $1`,
    [campaignId],
  );
  expect(enrolled.rows[0]).toEqual({ n: good.length, leads: good.length });

  // The report lists every rejected row once, in file order.
  const report = await fetch(`${apiUrl}/api/leads/imports/${id}/report.csv`, {
    headers: { cookie },
  });
  expect(report.status).toBe(200);
  const rows = (await report.text()).trim().split('\n').slice(1);
  const expected = Array.from({ length: bad }, (_, k) => String((k + 1) * BAD_EVERY + 1));
  expect(rows.map((r) => r.split(',')[0])).toEqual(expected);
});
