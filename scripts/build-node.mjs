#!/usr/bin/env node
// Bundles a Node app (run from its workspace folder): src/main.ts (+ src/seed.ts and
// src/dead-letters-cli.ts if present) into
// dist/. Workspace packages (@kindling/*, TypeScript source) are inlined; npm dependencies stay
// external and load from node_modules.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8'));
const external = new Set();
const addDeps = (p) => {
  for (const name of Object.keys(p.dependencies ?? {})) {
    if (name.startsWith('@kindling/')) {
      const dir = path.join(cwd, 'node_modules', name);
      const resolved = existsSync(dir) ? dir : path.join(cwd, '../../node_modules', name);
      addDeps(JSON.parse(readFileSync(path.join(resolved, 'package.json'), 'utf8')));
    } else external.add(name);
  }
};
addDeps(pkg);

const entryPoints = ['src/main.ts', 'src/seed.ts', 'src/dead-letters-cli.ts'].filter((e) =>
  existsSync(path.join(cwd, e)),
);
await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // Subpath imports (e.g. "@prisma/client/runtime/client") are external too.
  external: [...external].flatMap((n) => [n, `${n}/*`]),
  banner: {
    js: "import { createRequire as __kl_cr } from 'node:module'; const require = __kl_cr(import.meta.url);",
  },
  logLevel: 'warning',
});
console.log(`built ${entryPoints.join(', ')} -> dist/`);
