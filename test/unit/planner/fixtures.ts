/**
 * In-memory stacks and observed states for the planner's tests: a Project built from partial
 * services (as the loader would hand it over), image facts for every image, and `observe()`, the
 * state the engine would report after applying the desired state exactly. Tests then change one
 * thing on either side and assert the rendered plan.
 */
import { createHash } from 'node:crypto';
import type { ContainerInfo, ContainerSpec, MountInfo } from '../../../src/engine/container/types.js';
import type { EndpointInfo, NetworkInfo } from '../../../src/engine/network/types.js';
import type { VolumeInfo } from '../../../src/engine/volume/types.js';
import { buildDesiredState, containerSpecFor } from '../../../src/planner/desired-state.js';
import { LABEL } from '../../../src/planner/labels.js';
import type {
  DesiredState,
  DesiredStateInputs,
  ImageFacts,
  ObservedState,
} from '../../../src/planner/types.js';
import type { NetworkConfig, Project, ServiceConfig, VolumeConfig } from '../../../src/spec/types.js';

export const PROJECT = 'p';

/** 64 hex digits derived from a text: stable fake ids. */
export function fakeId(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Image facts as the store would report them for `ref` (a `version` changes them: "a new pull"). */
export function imageFacts(ref: string, version = 1): ImageFacts {
  return {
    id: `sha256:${fakeId(`config ${ref} ${version}`)}`,
    digest: `sha256:${fakeId(`manifest ${ref} ${version}`)}`,
    lastUpdated: '2026-01-01T00:00:00Z',
  };
}

export type ServiceInput = Partial<ServiceConfig>;

export interface ProjectInput {
  readonly networks?: Record<string, Partial<NetworkConfig>>;
  readonly volumes?: Record<string, Partial<VolumeConfig>>;
  readonly configs?: Project['configs'];
  readonly secrets?: Project['secrets'];
  readonly disabled?: Record<string, ServiceInput>;
}

/**
 * A normalized project: each service gets `image: <name>:1`, null command/entrypoint and the
 * default network unless it says otherwise; networks and volumes get their `<project>_<key>` names.
 */
export function makeProject(services: Record<string, ServiceInput>, input: ProjectInput = {}): Project {
  const full = (name: string, s: ServiceInput): ServiceConfig => ({
    command: null,
    entrypoint: null,
    image: `${name}:1`,
    ...(s.network_mode === undefined ? { networks: { default: null } } : {}),
    ...s,
  });
  const svc: Record<string, ServiceConfig> = {};
  for (const [name, s] of Object.entries(services)) svc[name] = full(name, s);
  const disabled: Record<string, ServiceConfig> = {};
  for (const [name, s] of Object.entries(input.disabled ?? {}))
    disabled[name] = full(name, { profiles: ['x'], ...s });
  const usesDefault = Object.values({ ...svc, ...disabled }).some(
    (s) => s.networks && 'default' in s.networks,
  );
  const networks: Record<string, NetworkConfig> = {};
  const netInput: Record<string, Partial<NetworkConfig>> = {
    ...(usesDefault ? { default: {} } : {}),
    ...input.networks,
  };
  for (const [key, n] of Object.entries(netInput)) {
    networks[key] = { ipam: {}, ...n, name: n.name ?? (n.external ? key : `${PROJECT}_${key}`) };
  }
  const volumes: Record<string, VolumeConfig> = {};
  for (const [key, v] of Object.entries(input.volumes ?? {})) {
    volumes[key] = { ...v, name: v.name ?? (v.external ? key : `${PROJECT}_${key}`) };
  }
  return {
    name: PROJECT,
    services: svc,
    networks,
    volumes,
    secrets: input.secrets ?? {},
    configs: input.configs ?? {},
    models: {},
    extensions: {},
    workingDir: '/srv/p',
    files: ['/srv/p/compose.yaml'],
    environment: {},
    envFiles: [],
    profiles: [],
    disabledServices: disabled,
  };
}

/** Image facts for every image the project's services use. */
export function allImages(project: Project): Record<string, ImageFacts> {
  const out: Record<string, ImageFacts> = {};
  for (const [name, s] of Object.entries(project.services)) {
    const ref = s.image ?? `${PROJECT}-${name}`;
    out[ref] = imageFacts(ref);
  }
  return out;
}

/** The desired state with every image present (unless `inputs.images` says otherwise). */
export function desiredOf(project: Project, inputs: DesiredStateInputs = {}): DesiredState {
  return buildDesiredState(project, { ...inputs, images: { ...allImages(project), ...inputs.images } });
}

/**
 * The observed state right after `desired` was applied exactly: every replica running, every
 * network and volume with its labels. External resources exist (unlabelled).
 */
export function observe(desired: DesiredState): ObservedState {
  const containers: ContainerInfo[] = [];
  const idByName = new Map<string, string>();
  for (const svc of Object.values(desired.services)) {
    for (let n = 1; n <= svc.replicas; n++) {
      const name = containerSpecFor(desired.project, svc, n).name;
      idByName.set(name, fakeId(`container ${name}`));
    }
  }
  for (const name of Object.keys(desired.services).sort()) {
    const svc = desired.services[name]!;
    for (let n = 1; n <= svc.replicas; n++)
      containers.push(containerInfo(containerSpecFor(desired.project, svc, n), idByName));
  }
  const networks: NetworkInfo[] = Object.values(desired.networks).map((d) =>
    networkInfo(d.name, d.spec?.labels ?? {}, d.spec?.options ?? {}, containers),
  );
  const volumes: VolumeInfo[] = Object.values(desired.volumes).map((d) => ({
    name: d.name,
    driver: 'local',
    mountpoint: `/var/lib/tscompose/volumes/${d.name}/_data`,
    labels: d.spec?.labels ?? {},
    driverOpts: d.spec?.driverOpts ?? {},
    created: '2026-01-01T00:00:00Z',
    anonymous: false,
    usedBy: containers.filter((c) => c.mounts.some((m) => m.volumeName === d.name)).map((c) => c.id),
  }));
  return { containers, networks, volumes };
}

/** A running container created from `spec` (ids of joined containers resolved through `ids`). */
export function containerInfo(
  spec: ContainerSpec,
  ids: ReadonlyMap<string, string> = new Map(),
): ContainerInfo {
  const id = ids.get(spec.name) ?? fakeId(`container ${spec.name}`);
  const resolve = (name: string): string => ids.get(name) ?? name;
  const mounts: MountInfo[] = spec.mounts.map((m) =>
    m.type === 'volume'
      ? {
          type: 'volume',
          source: m.source ?? fakeId(`anon ${spec.name} ${m.target}`),
          target: m.target,
          readOnly: m.readOnly === true,
          volumeName: m.source ?? fakeId(`anon ${spec.name} ${m.target}`),
          anonymous: m.source === null,
        }
      : m.type === 'bind'
        ? { type: 'bind', source: m.source, target: m.target, readOnly: m.readOnly === true }
        : { type: 'tmpfs', source: '', target: m.target, readOnly: m.readOnly === true },
  );
  const net = spec.network;
  return {
    id,
    name: spec.name,
    created: '2026-01-01T00:00:00Z',
    labels: spec.labels,
    image: spec.image,
    imageId: spec.imageId ?? '',
    ...(spec.imageDigest !== undefined ? { imageDigest: spec.imageDigest } : {}),
    state: 'running',
    pid: 100,
    exitCode: null,
    oomKilled: false,
    startedAt: '2026-01-01T00:00:01Z',
    finishedAt: null,
    restartCount: 0,
    health: null,
    manuallyStopped: false,
    desiredState: 'running',
    networks:
      net.mode === 'bridge'
        ? net.networks.map((e, i) => ({
            network: e.network,
            networkId: fakeId(`network ${e.network}`),
            interfaceName: `eth${i}`,
            ipv4Address: `10.0.0.${i + 2}`,
            prefixLength: 24,
            gateway: '10.0.0.1',
            macAddress: '02:42:0a:00:00:02',
            aliases: e.aliases ?? [],
          }))
        : [],
    ports: [],
    mounts,
    namespaceOwners: {
      ...(net.mode === 'container' ? { network: resolve(net.container) } : {}),
      ...(spec.ipc?.startsWith('container:') ? { ipc: resolve(spec.ipc.slice('container:'.length)) } : {}),
      ...(spec.pid?.startsWith('container:') ? { pid: resolve(spec.pid.slice('container:'.length)) } : {}),
      ...(spec.volumesFrom ? { volumesFrom: spec.volumesFrom.map((v) => resolve(v.container)) } : {}),
    },
    spec,
  };
}

/** A network as the engine reports it, with endpoints for the containers attached to it. */
export function networkInfo(
  name: string,
  labels: Readonly<Record<string, string>>,
  options: Readonly<Record<string, string>>,
  containers: readonly ContainerInfo[],
): NetworkInfo {
  const id = fakeId(`network ${name}`);
  const endpoints: EndpointInfo[] = containers
    .filter((c) => c.networks.some((n) => n.network === name))
    .map((c) => ({
      containerId: c.id,
      containerName: c.name,
      networkName: name,
      networkId: id,
      netnsPath: `/run/tscompose/netns/${c.id.slice(0, 12)}`,
      interfaceName: 'eth0',
      hostInterface: 'tscv0',
      ipv4Address: '10.0.0.2',
      prefixLength: 24,
      gateway: '10.0.0.1',
      macAddress: '02:42:0a:00:00:02',
      aliases: [],
      dnsNames: [c.name],
      isDefaultRoute: true,
      ports: [],
      state: 'ready',
    }));
  return {
    id,
    name,
    driver: 'bridge',
    created: '2026-01-01T00:00:00Z',
    subnet: '10.0.0.0/24',
    gateway: '10.0.0.1',
    ipRange: undefined,
    internal: false,
    enableIpv6: false,
    labels,
    options,
    bridge: 'tscb0',
    mtu: 1500,
    state: 'ready',
    endpoints,
  };
}

/** The observed state with one container (by name) changed. */
export function patchContainer(
  observed: ObservedState,
  name: string,
  patch: Partial<ContainerInfo> | ((c: ContainerInfo) => ContainerInfo),
): ObservedState {
  let found = false;
  const containers = observed.containers.map((c) => {
    if (c.name !== name) return c;
    found = true;
    return typeof patch === 'function' ? patch(c) : { ...c, ...patch };
  });
  if (!found) throw new Error(`no container ${name} in the observed state`);
  return { ...observed, containers };
}

/** The observed state without the named containers. */
export function dropContainers(observed: ObservedState, ...names: string[]): ObservedState {
  return { ...observed, containers: observed.containers.filter((c) => !names.includes(c.name)) };
}

/** A container of the project whose service the stack does not have (any more). */
export function orphanContainer(service: string, number: number, dependsOn?: string): ContainerInfo {
  const name = `${PROJECT}-${service}-${number}`;
  const labels: Record<string, string> = {
    [LABEL.project]: PROJECT,
    [LABEL.service]: service,
    [LABEL.containerNumber]: String(number),
    [LABEL.oneoff]: 'false',
    [LABEL.configHash]: fakeId(`hash ${service}`),
  };
  if (dependsOn !== undefined) labels[LABEL.dependsOn] = dependsOn;
  return containerInfo({
    name,
    image: `${service}:1`,
    entrypoint: null,
    command: null,
    env: {},
    labels,
    mounts: [],
    network: { mode: 'bridge', networks: [] },
    ports: [],
  });
}

/** Lines joined with newlines: the golden plan text. */
export function lines(...text: string[]): string {
  return text.join('\n');
}
