// Builds native/tscompose-native with the system C compiler (run by `npm install`).
// A missing compiler is one clear line saying what to install, not a wall of make output.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'native');

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const cc = process.env.CC ?? 'cc';
if (!has(cc) || !has('make')) {
  console.error(
    `tscompose: building native/tscompose-native needs a C compiler and make; install them with: apt-get install -y gcc make libc6-dev`,
  );
  process.exit(1);
}
const result = spawnSync('make', ['-C', nativeDir, '--no-print-directory', '-j2'], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('tscompose: building native/tscompose-native failed (see the compiler output above)');
  process.exit(result.status ?? 1);
}
