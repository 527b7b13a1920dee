#!/usr/bin/env node
// Writes a new migration offline: diffs the schema as last committed (git HEAD) against the
// working copy with Prisma's JS schema engine. Usage: npm run db:migration -- <name>
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_');
if (!name) {
  console.error('usage: npm run db:migration -- <name>');
  process.exit(2);
}
const old = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: root });
const oldPath = path.join(mkdtempSync(path.join(tmpdir(), 'kindling-schema-')), 'schema.prisma');
writeFileSync(oldPath, old);
const env = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres', ...process.env };
const out = spawnSync(
  path.join(root, 'node_modules', '.bin', 'prisma'),
  [
    'migrate',
    'diff',
    '--from-schema-datamodel',
    oldPath,
    '--to-schema-datamodel',
    'prisma/schema.prisma',
    '--script',
  ],
  { cwd: root, env, encoding: 'utf8' },
);
if (out.status !== 0) {
  console.error(out.stderr);
  process.exit(out.status ?? 1);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = path.join(root, 'prisma', 'migrations', `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'migration.sql'), out.stdout);
console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
