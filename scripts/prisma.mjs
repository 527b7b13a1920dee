#!/usr/bin/env node
// Runs the Prisma CLI offline. `generate` only needs every env() in the schema to resolve, so a
// placeholder DATABASE_URL is set when none is given; `migrate deploy` uses the real one.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.DATABASE_URL) {
  if (args[0] === 'generate')
    env.DATABASE_URL = 'postgresql://placeholder@127.0.0.1:5432/placeholder';
  else env.DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/kindling';
}
const bin = path.join(root, 'node_modules', '.bin', 'prisma');
const result = spawnSync(bin, args, { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
