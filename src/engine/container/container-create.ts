import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { EngineError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { resolveCapabilities } from './capabilities.js';
import {
  cgroupsPathFor,
  hostCgroupVersion,
  thermalThrottlePaths,
  type ContainerContext,
} from './container-context.js';
import { assertContainerName, newContainerId } from './container-id.js';
import { ociMountsOf, placeFiles, resolveMounts } from './container-mounts.js';
import { attachNetworks, hostHostname, writeEtcFiles } from './container-network.js';
import type { ContainerRecord } from './container-record.js';
import { teardownContainer } from './container-teardown.js';
import { hostCapabilities } from './host-capabilities.js';
import { resolveDevices } from './host-devices.js';
import { effectiveConfig } from './image-defaults.js';
import { ensureInitLayer } from './init-layer.js';
import { networkNamespaceOf, sharedNamespace } from './namespace-owners.js';
import {
  buildOciConfig,
  parseSecurityOptions,
  type NamespaceChoice,
  type OciMount,
  type OciSeccomp,
} from './oci-config.js';
import { resolveUser } from './passwd.js';
import { selfIdentity } from './process-identity.js';
import { readCurrentLimits, resolveRlimits } from './rlimits.js';
import { mountRootfs } from './rootfs.js';
import { seccompFromProfile } from './seccomp-profile.js';
import { readFileInRoot } from './rootfs-path.js';
import type { ContainerSpec } from './types.js';

function checkSpec(spec: ContainerSpec): void {
  assertContainerName(spec.name);
  if (spec.network.mode !== 'bridge' && spec.ports.length > 0) {
    throw new EngineError(
      'CONTAINER_CONFLICT',
      `container ${spec.name}: ports cannot be published with network mode ${spec.network.mode}`,
      'publish ports only on bridge networks',
    );
  }
  if (spec.uts === 'host' && (spec.hostname !== undefined || spec.domainname !== undefined)) {
    throw new EngineError(
      'CONTAINER_CONFLICT',
      `container ${spec.name}: hostname cannot be set with uts: host`,
    );
  }
  parseSecurityOptions(spec);
  if (spec.logging && !['json-file', 'local', 'none', 'k8s-file'].includes(spec.logging.driver)) {
    throw new EngineError(
      'CONTAINER_UNSUPPORTED',
      `container ${spec.name}: logging driver "${spec.logging.driver}" is not supported`,
      'use json-file, local or none',
    );
  }
}

/**
 * Creates a container (the caller holds the engine lock): the record first, phase `creating`,
 * then the rootfs, mounts and volumes, network, /etc files and the bundle's config.json, and
 * the record `ready` last. On any failure everything made so far is undone before the error is
 * thrown; a process killed half way leaves the `creating` record that the next command rolls
 * back (`container-repair.ts`).
 */
export async function createContainer(
  ctx: ContainerContext,
  spec: ContainerSpec,
  o: { readonly signal?: AbortSignal } = {},
): Promise<ContainerRecord> {
  checkSpec(spec);
  const all = await ctx.store.list();
  const clash = all.find((r) => r.name === spec.name);
  if (clash) {
    throw new EngineError(
      'CONTAINER_NAME_IN_USE',
      `container name ${spec.name} is already in use by container ${clash.id.slice(0, 12)}`,
      'remove that container (tscompose container rm) or choose another name',
    );
  }
  const image = await ctx.images.inspect(spec.imageId ?? spec.image);
  if (spec.imageId && image.id !== spec.imageId) {
    throw new EngineError(
      'IMAGE_NOT_FOUND',
      `image ${spec.imageId} (${spec.image}) not found`,
      `pull it first: tscompose image pull ${spec.image}`,
    );
  }
  const topChainId = await ctx.images.prepareRootfs(image.id, o);
  // Namespace owners are resolved before anything is made: a missing one is a plain error.
  const netOwner =
    spec.network.mode === 'container' ? await ctx.store.require(spec.network.container, all) : undefined;
  const ipc = await sharedNamespace(ctx, spec.ipc, 'ipc', all);
  const pid = await sharedNamespace(ctx, spec.pid, 'pid', all);
  const volumesFrom = [];
  for (const v of spec.volumesFrom ?? [])
    volumesFrom.push({
      record: await ctx.store.require(v.container, all),
      ...(v.readOnly !== undefined ? { readOnly: v.readOnly } : {}),
    });
  const inheritFrom = spec.inheritAnonymousVolumesFrom
    ? all.find((r) => r.id === spec.inheritAnonymousVolumesFrom)
    : undefined;

  const id = newContainerId();
  ctx.inFlight.add(id);
  let record: ContainerRecord = {
    version: 1,
    id,
    name: spec.name,
    created: new Date().toISOString(),
    phase: 'creating',
    owner: selfIdentity(),
    spec,
    image: { reference: spec.image, id: image.id, digest: image.digest, topChainId },
    mounts: [],
    anonymousVolumes: [],
    networkMode: spec.network.mode,
    ...(netOwner ? { netnsPath: netOwner.netnsPath } : {}),
    networks: [],
    ports: [],
    namespaceOwners: {
      ...(netOwner ? { network: netOwner.id } : {}),
      ...(ipc.owner ? { ipc: ipc.owner.id } : {}),
      ...(pid.owner ? { pid: pid.owner.id } : {}),
      ...(volumesFrom.length > 0 ? { volumesFrom: volumesFrom.map((v) => v.record.id) } : {}),
    },
    cgroupsPath: cgroupsPathFor(ctx, id),
    desiredState: spec.desiredState ?? 'running',
    manuallyStopped: false,
    paused: false,
  };
  const save = async (next: ContainerRecord): Promise<void> => {
    record = next;
    await ctx.store.write(record);
  };
  try {
    const p = await ctx.store.makeDir(id);
    await save(record);
    await ctx.step('container-create:recorded');

    const initLayer = await ensureInitLayer(ctx.store.dir);
    const layers = topChainId ? await ctx.snapshots.lowerDirs(topChainId) : [];
    await mountRootfs(p, layers, initLayer, o.signal);
    await ctx.step('container-create:rootfs');

    const hostNetwork = spec.network.mode === 'host';
    const config = effectiveConfig({
      spec,
      image: image.config,
      defaultHostname: hostNetwork ? hostHostname() : id.slice(0, 12),
    });
    const user = resolveUser(
      config.user,
      await readFileInRoot(p.rootfs, '/etc/passwd'),
      await readFileInRoot(p.rootfs, '/etc/group'),
      spec.groupAdd,
    );
    await save({ ...record, config, user });

    const mounts = await resolveMounts({
      ctx,
      id,
      spec,
      paths: p,
      imageVolumes: config.imageVolumes,
      volumesFrom,
      ...(inheritFrom ? { inheritFrom } : {}),
      onAnonymous: async (name) => save({ ...record, anonymousVolumes: [...record.anonymousVolumes, name] }),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    await save({ ...record, mounts });

    const attached = await attachNetworks(
      ctx,
      id,
      spec,
      async (netnsPath) => save({ ...record, netnsPath }),
      o.signal,
    );
    await save({ ...record, networks: attached.networks, ports: attached.ports });
    await ctx.step('container-create:network');

    if (netOwner) {
      // Joined network namespace: the owner's resolver and hosts file, our own hostname.
      await writeFileAtomic(p.hostname, `${config.hostname}\n`, { mode: 0o644 });
      const ownerPaths = ctx.store.pathsOf(netOwner.id);
      await writeFileAtomic(p.resolvConf, await readFile(ownerPaths.resolvConf), { mode: 0o644 });
      await writeFileAtomic(p.hosts, await readFile(ownerPaths.hosts), { mode: 0o644 });
    } else {
      await writeEtcFiles(ctx, p, id, spec, config.hostname, attached.endpoints);
    }
    const etcMounts: OciMount[] = [
      { destination: '/etc/resolv.conf', type: 'bind', source: p.resolvConf, options: ['rbind', 'rprivate'] },
      { destination: '/etc/hostname', type: 'bind', source: p.hostname, options: ['rbind', 'rprivate'] },
      { destination: '/etc/hosts', type: 'bind', source: p.hosts, options: ['rbind', 'rprivate'] },
    ];
    const fileMounts = await placeFiles(p, spec.files ?? [], spec.name);

    const network: NamespaceChoice = netOwner
      ? networkNamespaceOf(netOwner)
      : hostNetwork
        ? { kind: 'host' }
        : { kind: 'path', path: record.netnsPath! };
    const cgroupV = await hostCgroupVersion();
    const capabilities = resolveCapabilities(spec, await hostCapabilities());
    const seccomp = await seccompOption(spec, capabilities);
    const oci = buildOciConfig({
      spec,
      config,
      user,
      mounts: [...etcMounts, ...ociMountsOf(mounts), ...fileMounts],
      namespaces: {
        network,
        ipc: ipc.choice,
        pid: pid.choice,
        uts: spec.uts === 'host' ? { kind: 'host' } : { kind: 'new' },
        cgroup:
          (spec.cgroupns ?? (cgroupV === 2 ? 'private' : 'host')) === 'private'
            ? { kind: 'new' }
            : { kind: 'host' },
      },
      cgroupsPath: record.cgroupsPath,
      capabilities,
      ...(seccomp ? { seccomp } : {}),
      rlimits: resolveRlimits(spec.ulimits, await readCurrentLimits()),
      devices: await resolveDevices(spec.devices, spec.name),
      ...(spec.init ? { initBinary: ctx.runtime.binary } : {}),
      extraMaskedPaths: await thermalThrottlePaths(),
      ...(ipc.ownerPid ? { shmSource: `/proc/${ipc.ownerPid}/root/dev/shm` } : {}),
    });
    await writeFileAtomic(p.config, `${JSON.stringify(oci)}\n`);
    await save({ ...record, phase: 'ready', owner: undefined });
    return record;
  } catch (err) {
    await teardownContainer(ctx, { ...record, removeVolumes: true }, {}).catch((cleanupErr: unknown) =>
      ctx.warn(`container ${spec.name}: cleaning up after a failed create: ${(cleanupErr as Error).message}`),
    );
    throw err;
  } finally {
    ctx.inFlight.delete(id);
  }
}

/** The filter of a `seccomp=PROFILE` option (JSON text or an absolute path), or undefined. */
async function seccompOption(
  spec: ContainerSpec,
  capabilities: readonly string[],
): Promise<OciSeccomp | undefined> {
  const profile = parseSecurityOptions(spec).seccompProfile;
  if (profile === undefined || spec.privileged) return undefined;
  let text = profile;
  if (!profile.startsWith('{')) {
    text = await readFile(profile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new EngineError('CONTAINER_SECCOMP_INVALID', `seccomp profile ${profile}: ${err.message}`);
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new EngineError(
      'CONTAINER_SECCOMP_INVALID',
      `seccomp profile ${profile.startsWith('{') ? '(inline)' : profile}: not JSON (${(err as Error).message})`,
    );
  }
  return seccompFromProfile(
    json,
    capabilities,
    { arch: process.arch, kernel: release() },
    profile.startsWith('{') ? '' : profile,
  );
}
