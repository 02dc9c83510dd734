#!/usr/bin/env node
// Launcher: the CLI is compiled to dist/ by `npm install` (prepare) or `npm run build`.
import { run } from '../dist/cli/process-entry.js';

await run();
