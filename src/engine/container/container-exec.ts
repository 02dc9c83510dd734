import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { EngineError } from '../errors.js';
import { ExitCode } from '../../common/exit-codes.js';
import { execFlags, type ExecArgs } from '../runtime.js';
import type { ContainerContext } from './container-context.js';
import { runExitCodeFor } from './container-errors.js';
import { currentRunState } from './container-lifecycle.js';
import { hostCapabilities } from './host-capabilities.js';
import type { ContainerRecord } from './container-record.js';
import { resolveUser } from './passwd.js';
import { readFileInRoot } from './rootfs-path.js';
import { shimRequest } from './shim-client.js';

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
  const args: ExecArgs = {
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
    ...(req.privileged ? { capabilities: [...(await hostCapabilities()).held] } : {}),
    ...(req.tty ? { tty: true } : {}),
  };
  if (req.detach) return execDetached(ctx.store.pathsOf(r.id).shim, args, o.signal);
  const { child, exit } = ctx.runtime.execProcess(ctx.runtimeRoot, args, {
    stdin: stdio.stdin !== undefined,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  let errTail = '';
  child.stdout?.on('data', (d: Buffer) => stdio.stdout.write(d));
  child.stderr?.on('data', (d: Buffer) => {
    errTail = (errTail + d.toString('utf8')).slice(-4096);
    stdio.stderr.write(d);
  });
  if (stdio.stdin && child.stdin) {
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

/**
 * `exec -d`: the shim runs the runtime's detached exec (its `exec` request), so the process is
 * its orphan and it reaps it. Run from here, the process would be reparented to the host's init,
 * and one that reaps late leaves a zombie in the container's cgroup. Returns 0 once the process
 * runs, or `docker exec`'s code when it cannot start (127 not found, 126 not executable).
 */
export async function execDetached(shimDir: string, args: ExecArgs, signal?: AbortSignal): Promise<number> {
  const name = `exec-${randomBytes(8).toString('hex')}.json`;
  const file = join(shimDir, name);
  await writeFile(file, JSON.stringify({ options: execFlags(args), command: args.command }), { mode: 0o600 });
  try {
    const reply = JSON.parse(await shimRequest(shimDir, `exec ${name}`, signal)) as {
      ok?: boolean;
      error?: string;
    };
    if (reply.ok) return 0;
    const message = reply.error ?? 'exec failed';
    if (message.startsWith('unknown request')) {
      throw new EngineError(
        'CONTAINER_EXEC_FAILED',
        'exec -d: the container’s supervisor was started by an older tscompose, which cannot run detached execs',
        'restart the container (tscompose container restart NAME, or up --force-recreate) to give it a current one',
      );
    }
    const code = runExitCodeFor(message);
    if (code === ExitCode.runEngineFailed) throw new EngineError('CONTAINER_EXEC_FAILED', `exec: ${message}`);
    return code;
  } finally {
    await rm(file, { force: true });
  }
}
