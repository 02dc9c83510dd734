import { stat } from 'node:fs/promises';
import { EngineError } from '../errors.js';
import type { ResolvedDevice } from './oci-resources.js';
import { deviceNumbers } from './tree-tar.js';
import type { DeviceSpec } from './types.js';

/** `devices:` entries → device nodes for the container (type and numbers from the host's node). */
export async function resolveDevices(
  devices: readonly DeviceSpec[] | undefined,
  name: string,
): Promise<ResolvedDevice[]> {
  const out: ResolvedDevice[] = [];
  for (const d of devices ?? []) {
    let st;
    try {
      st = await stat(d.hostPath, { bigint: true });
    } catch {
      throw new EngineError(
        'CONTAINER_DEVICE_INVALID',
        `container ${name}: device ${d.hostPath} does not exist on this host`,
      );
    }
    if (!st.isCharacterDevice() && !st.isBlockDevice()) {
      throw new EngineError(
        'CONTAINER_DEVICE_INVALID',
        `container ${name}: ${d.hostPath} is not a device node`,
      );
    }
    const permissions = d.permissions ?? 'rwm';
    if (!/^[rwm]{1,3}$/.test(permissions)) {
      throw new EngineError(
        'CONTAINER_DEVICE_INVALID',
        `container ${name}: device ${d.hostPath}: permissions "${permissions}": expected r, w and/or m`,
      );
    }
    const { major, minor } = deviceNumbers(st.rdev);
    out.push({
      path: d.containerPath ?? d.hostPath,
      type: st.isCharacterDevice() ? 'c' : 'b',
      major,
      minor,
      fileMode: Number(st.mode & 0o777n),
      uid: Number(st.uid),
      gid: Number(st.gid),
      permissions,
    });
  }
  return out;
}
