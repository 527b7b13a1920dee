// Vitest global setup: make sure the test database exists and carries every migration.
// Several projects run this at once, so creation and migration happen under an advisory lock.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default async function setup(): Promise<void> {
  const url = new URL(
    process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kindling_test',
  );
  const dbName = url.pathname.slice(1);
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl.host} (${(err as Error).message}). ` +
        'Start it (see README) or set TEST_DATABASE_URL.',
    );
  }
  try {
    await admin.query('SELECT pg_advisory_lock(727274)');
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${dbName}"`);
    const res = spawnSync(
      process.execPath,
      [path.join(root, 'scripts/prisma.mjs'), 'migrate', 'deploy'],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url.toString() },
        encoding: 'utf8',
      },
    );
    if (res.status !== 0) throw new Error(`migrate deploy failed:\n${res.stdout}\n${res.stderr}`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock(727274)').catch(() => undefined);
    await admin.end();
  }
}
