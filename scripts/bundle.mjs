#!/usr/bin/env node
// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/: what bin/tscompose.js runs.
//
// Why: every tscompose command is a fresh Node process, and Node's ES module loader pays per
// file (resolve, stat, read, compile). The CLI and its packages are ~400 files; one entry plus
// shared chunks loads in a fraction of that time (docs/benchmarks.md, "Start-up"). Command
// groups stay separate chunks (src/cli/program.ts imports them dynamically), so a command still
// loads only what it uses.
//
// Every chunk sits flat in dist/bundle/: src/engine/native-binary.ts finds the native program
// relative to its own module (../../native/build), which holds for dist/engine/ and
// dist/bundle/ alike.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/process-entry.js'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS packages (commander) call require() for Node's built-in modules; an ES
  // module has no require of its own.
  banner: {
    js: "import { createRequire as __tscRequire } from 'node:module';\nconst require = __tscRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});
