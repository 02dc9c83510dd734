import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { EngineError } from '../errors.js';

const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

/**
 * Runs util-linux `mount`/`umount` (Node has no mount(2)): explicit argv, never a shell, fixed
 * environment. The kernel does the mounting; these are a few milliseconds each.
 */
function run(argv: readonly string[], signal?: AbortSignal): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: ENV,
      stdio: ['ignore', 'ignore', 'pipe'],
      signal,
      killSignal: 'SIGKILL',
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new EngineError(
              'ENGINE_TOOL_MISSING',
              `${argv[0]}: not found on this host`,
              'install util-linux (mount)',
              { cause: err },
            )
          : err,
      ),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stderr: stderr.trim() }));
  });
}

/** `mount -t TYPE -o OPTIONS SOURCE TARGET`. */
export async function mountFs(
  type: string,
  source: string,
  target: string,
  options: readonly string[],
  what: string,
  signal?: AbortSignal,
): Promise<void> {
  const argv = [
    'mount',
    '-t',
    type,
    ...(options.length > 0 ? ['-o', options.join(',')] : []),
    source,
    target,
  ];
  const r = await run(argv, signal);
  if (r.code !== 0) {
    throw new EngineError(
      'ENGINE_MOUNT_FAILED',
      `${what}: mount -t ${type} ${source} ${target}: ${r.stderr || `exit ${r.code}`}`,
    );
  }
}

/** Unmounts `target` if mounted; a busy mount is detached lazily (it goes once unused). */
export async function unmount(target: string, signal?: AbortSignal): Promise<void> {
  if (!(await isMountPoint(target))) return;
  const r = await run(['umount', target], signal);
  if (r.code === 0 || !(await isMountPoint(target))) return;
  const lazy = await run(['umount', '-l', target], signal);
  if (lazy.code !== 0 && (await isMountPoint(target))) {
    throw new EngineError('ENGINE_UNMOUNT_FAILED', `umount ${target}: ${lazy.stderr || r.stderr}`);
  }
}

/** Decodes mountinfo's octal escapes (`\040` for a space). */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points of this mount namespace (/proc/self/mountinfo field 5). */
export async function mountPoints(): Promise<Set<string>> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f[4] !== undefined) out.add(unescapeMountPath(f[4]));
  }
  return out;
}

export async function isMountPoint(path: string): Promise<boolean> {
  return (await mountPoints()).has(path);
}

/** Mount points at or below `dir`, deepest first (the order to unmount them). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return [...(await mountPoints())]
    .filter((m) => m === dir || m.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}
