#!/usr/bin/env node
// Launcher: the CLI is compiled to dist/ and bundled to dist/bundle/ by `npm install` (prepare)
// or `npm run build` (scripts/bundle.mjs says why it is bundled).
import { run } from '../dist/bundle/process-entry.js';

await run();
