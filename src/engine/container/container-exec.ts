import type { Writable } from 'node:stream';
import { EngineError } from '../errors.js';
import { ALL_CAPABILITIES } from './capabilities.js';
import type { ContainerContext } from './container-context.js';
import { currentRunState } from './container-lifecycle.js';
import type { ContainerRecord } from './container-record.js';
import { resolveUser } from './passwd.js';
import { readFileInRoot } from './rootfs-path.js';

/** A process to run in a running container (`exec`). */
export interface ExecRequest {
  readonly command: readonly string[];
  /** Extra environment (`-e`), over the container's. */
  readonly env?: Readonly<Record<string, string>>;
  /** `user[:group]` resolved in the container's passwd/group; absent = the container's user. */
  readonly user?: string;
  readonly workingDir?: string;
  /** Every capability. */
  readonly privileged?: boolean;
  /** A pseudo-terminal for the process (`-t`). */
  readonly tty?: boolean;
  /** Start it and return at once (`-d`); its output is discarded, as Docker's. */
  readonly detach?: boolean;
}

/** Where a process's stdio goes. Absent stdin: the process reads nothing (EOF). */
export interface ProcessStdio {
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const RUNTIME_ERROR =
  /tscompose-native: .*?(executable file not found|no such file or directory|permission denied)/i;

/**
 * Runs a process in a running container through the runtime's `exec` (it joins every namespace
 * and cgroup of the container) and returns its exit code. The runtime's own failures follow
 * `docker exec`: 127 when the program is not found, 126 when it cannot be executed.
 */
export async function execInContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  req: ExecRequest,
  stdio: ProcessStdio,
  o: { readonly signal?: AbortSignal } = {},
): Promise<number> {
  const run = await currentRunState(ctx, r);
  if (run.state !== 'running') {
    throw new EngineError(
      run.state === 'paused' ? 'CONTAINER_PAUSED' : 'CONTAINER_NOT_RUNNING',
      `container ${r.name} is ${run.state}: exec needs it running`,
      run.state === 'paused'
        ? `unpause it: tscompose container unpause ${r.name}`
        : `start it: tscompose container start ${r.name}`,
    );
  }
  if (req.command.length === 0) throw new EngineError('CONTAINER_EXEC_INVALID', 'exec: no command given');
  const p = ctx.store.pathsOf(r.id);
  const userSpec = req.user ?? r.config?.user;
  const user = resolveUser(
    userSpec,
    await readFileInRoot(p.rootfs, '/etc/passwd'),
    await readFileInRoot(p.rootfs, '/etc/group'),
    req.user === undefined ? (r.spec.groupAdd ?? []) : [],
  );
  const { child, exit } = ctx.runtime.execProcess(
    ctx.runtimeRoot,
    {
      id: r.id,
      command: req.command,
      // A terminal gets TERM=xterm unless the caller set one (docker exec -t does the same).
      env: [
        ...(req.tty && !req.env?.['TERM'] ? ['TERM=xterm'] : []),
        ...Object.entries(req.env ?? {}).map(([k, v]) => `${k}=${v}`),
      ],
      ...(req.workingDir ? { cwd: req.workingDir } : {}),
      uid: user.uid,
      gid: user.gid,
      additionalGids: user.additionalGids,
      ...(req.privileged ? { capabilities: ALL_CAPABILITIES } : {}),
      ...(req.tty ? { tty: true } : {}),
      ...(req.detach ? { detach: true } : {}),
    },
    { stdin: stdio.stdin !== undefined && !req.detach, ...(o.signal ? { signal: o.signal } : {}) },
  );
  let errTail = '';
  child.stdout?.on('data', (d: Buffer) => {
    if (!req.detach) stdio.stdout.write(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    errTail = (errTail + d.toString('utf8')).slice(-4096);
    if (!req.detach) stdio.stderr.write(d);
  });
  if (stdio.stdin && child.stdin && !req.detach) {
    const input = stdio.stdin;
    const onData = (d: Buffer | string): void => void child.stdin!.write(d);
    input.on('data', onData);
    input.once('end', () => child.stdin!.end());
    void exit.finally(() => input.off('data', onData));
  }
  const code = await exit;
  if (code === 1 || code === 255) {
    const m = RUNTIME_ERROR.exec(errTail);
    if (m) return /permission denied/i.test(m[1]!) ? 126 : 127;
  }
  return code;
}
