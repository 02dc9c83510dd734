// Checks (or with --fix, applies) clang-format on native/*.c and *.h. Part of `npm run lint`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dirs = ['native', 'test/fixtures/native'];
const files = dirs.flatMap((d) => {
  try {
    return readdirSync(join(root, d))
      .filter((f) => f.endsWith('.c') || f.endsWith('.h'))
      .map((f) => join(root, d, f));
  } catch {
    return [];
  }
});
if (spawnSync('sh', ['-c', 'command -v clang-format'], { stdio: 'ignore' }).status !== 0) {
  console.error('tscompose: C format check needs clang-format: apt-get install -y clang-format');
  process.exit(1);
}
const fix = process.argv.includes('--fix');
const args = fix ? ['-i', ...files] : ['--dry-run', '--Werror', ...files];
const result = spawnSync('clang-format', args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
