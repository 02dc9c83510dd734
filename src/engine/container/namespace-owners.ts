import { EngineError } from '../errors.js';
import type { ContainerContext } from './container-context.js';
import type { ContainerRecord } from './container-record.js';
import type { NamespaceChoice } from './oci-config.js';
import { readShimSnapshot } from './shim-state.js';

/** The pid of a running container's init, or CONTAINER_NOT_RUNNING naming why it is needed. */
export async function runningPid(ctx: ContainerContext, r: ContainerRecord, why: string): Promise<number> {
  const { state: shim, alive } = await readShimSnapshot(ctx.store.pathsOf(r.id).shim);
  if (!shim || !alive || shim.pid <= 0) {
    throw new EngineError(
      'CONTAINER_NOT_RUNNING',
      `container ${r.name} is not running (${why} needs it running)`,
      `start it first: tscompose container start ${r.name}`,
    );
  }
  return shim.pid;
}

/**
 * The network namespace a container's processes join: its own netns (bridge, none), the host's,
 * or — for `container:X` — X's, following X's own mode (X on the host network shares the host's).
 */
export function networkNamespaceOf(r: ContainerRecord): NamespaceChoice {
  if (r.networkMode === 'host') return { kind: 'host' };
  if (!r.netnsPath)
    throw new EngineError('ENGINE_STATE_CORRUPT', `container ${r.name} has no network namespace recorded`);
  return { kind: 'path', path: r.netnsPath };
}

/** `ipc`/`pid` modes → namespace choice (joining another container needs it running). */
export async function sharedNamespace(
  ctx: ContainerContext,
  mode: string | undefined,
  kind: 'ipc' | 'pid',
  all: readonly ContainerRecord[],
): Promise<{ choice: NamespaceChoice; owner?: ContainerRecord; ownerPid?: number }> {
  if (mode === undefined || mode === 'private' || mode === 'shareable' || mode === 'none')
    return { choice: { kind: 'new' } };
  if (mode === 'host') return { choice: { kind: 'host' } };
  if (mode.startsWith('container:')) {
    const ref = mode.slice('container:'.length);
    const owner = await ctx.store.require(ref, all);
    const pid = await runningPid(ctx, owner, `${kind}: container:${ref}`);
    return { choice: { kind: 'path', path: `/proc/${pid}/ns/${kind}` }, owner, ownerPid: pid };
  }
  throw new EngineError(
    'CONTAINER_CONFIG_INVALID',
    `${kind} mode "${mode}": expected private, shareable, host, none or container:NAME`,
  );
}
