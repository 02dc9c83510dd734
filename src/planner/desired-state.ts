import type { ContainerSpec } from '../engine/container/types.js';
import type { NetworkSpec } from '../engine/network/types.js';
import type { VolumeSpec } from '../engine/volume/types.js';
import type { NetworkConfig, Project, ServiceConfig, VolumeConfig } from '../spec/types.js';
import { sha256Digest } from './canonical-json.js';
import {
  networkConfigHash,
  serviceConfigHash,
  volumeConfigHash,
  type ServiceHashContext,
} from './config-hash.js';
import { containerName } from './container-name.js';
import { namespaceReferences, serviceDependencies } from './dependency-graph.js';
import { PlanError } from './errors.js';
import { COMPOSE_LABEL, formatDependsOnLabel, LABEL } from './labels.js';
import type { MappingContext } from './mapping-context.js';
import { serviceContainerTemplate } from './service-container-spec.js';
import type {
  DesiredNetwork,
  DesiredService,
  DesiredState,
  DesiredStateInputs,
  DesiredVolume,
  ImageFacts,
} from './types.js';
import { ignoredAttributeWarnings } from './unsupported-attributes.js';

/**
 * The desired state of a project: per service, the container spec of its replicas (with
 * tscompose's labels and the config hash), and the networks and volumes to exist, each with its
 * own hash. Pure: images and file contents come in `inputs`, resolved by the caller beforehand.
 * Throws PlanError for what the engine cannot do (PLAN_UNSUPPORTED) or cannot hold
 * (PLAN_CONFLICT); ignored attributes become `warnings`.
 */
export function buildDesiredState(project: Project, inputs: DesiredStateInputs = {}): DesiredState {
  const warnings: string[] = [];
  const networks: Record<string, DesiredNetwork> = {};
  for (const key of sortedKeys(project.networks)) {
    networks[key] = desiredNetwork(project, key, project.networks[key] as NetworkConfig, inputs, warnings);
  }
  const volumes: Record<string, DesiredVolume> = {};
  for (const key of sortedKeys(project.volumes)) {
    volumes[key] = desiredVolume(project, key, project.volumes[key] as VolumeConfig, inputs);
  }
  const active = new Set<string>();
  const disabled = new Set(Object.keys(project.disabledServices));
  for (const [name, service] of Object.entries(project.services)) {
    if (service.provider !== undefined) {
      warnings.push(`service ${name}: provider services are not supported; skipped`);
      disabled.add(name);
    } else active.add(name);
  }
  const hashCtx: ServiceHashContext = {
    networkNames: Object.fromEntries(Object.values(networks).map((n) => [n.key, n.name])),
    volumeNames: Object.fromEntries(Object.values(volumes).map((v) => [v.key, v.name])),
    configDigests: contentDigests(project, 'config', active, inputs),
    secretDigests: contentDigests(project, 'secret', active, inputs),
  };
  const services: Record<string, DesiredService> = {};
  for (const name of [...active].sort()) {
    services[name] = desiredService(project, name, project.services[name] as ServiceConfig, {
      inputs,
      active,
      hashCtx,
      warnings,
    });
  }
  return {
    project: project.name,
    services,
    disabledServices: [...disabled].sort(),
    networks,
    volumes,
    warnings,
  };
}

/** The spec of replica `number` of a service: its name and container-number labels set. */
export function containerSpecFor(project: string, service: DesiredService, number: number): ContainerSpec {
  return {
    ...service.template,
    name: containerName(project, service.name, number, service.containerName),
    labels: {
      ...service.template.labels,
      [LABEL.containerNumber]: String(number),
      [COMPOSE_LABEL.containerNumber]: String(number),
    },
  };
}

/**
 * A spec with the image the reconciler just pulled or built: exact id, digest and digest label.
 * (A plan made before the pull could not know them.)
 */
export function withImage(spec: ContainerSpec, facts: ImageFacts): ContainerSpec {
  const labels = { ...spec.labels };
  if (facts.digest !== undefined) labels[LABEL.image] = facts.digest;
  else delete labels[LABEL.image];
  return {
    ...spec,
    imageId: facts.id,
    ...(facts.digest !== undefined ? { imageDigest: facts.digest } : {}),
    labels,
  };
}

/** The image a service runs: `image:`, or `<project>-<service>` for a service that only builds. */
export function imageRefFor(project: string, name: string, service: ServiceConfig): string {
  if (service.image !== undefined && service.image !== '') return service.image;
  if (service.build !== undefined) return `${project}-${name}`;
  throw new PlanError(
    'PLAN_UNSUPPORTED',
    `service ${name}: neither image nor build is set`,
    'add image: or build:',
  );
}

interface ServiceBuild {
  readonly inputs: DesiredStateInputs;
  readonly active: ReadonlySet<string>;
  readonly hashCtx: ServiceHashContext;
  readonly warnings: string[];
}

function desiredService(
  project: Project,
  name: string,
  service: ServiceConfig,
  b: ServiceBuild,
): DesiredService {
  const replicas = b.inputs.scale?.[name] ?? service.scale ?? service.deploy?.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new PlanError(
      'PLAN_CONFLICT',
      `service ${name}: scale must be a whole number ≥ 0, got ${replicas}`,
    );
  }
  if (service.container_name !== undefined && replicas > 1) {
    throw new PlanError(
      'PLAN_CONFLICT',
      `service ${name}: container_name "${service.container_name}" allows one container, ${replicas} asked`,
      'remove container_name to scale the service',
    );
  }
  const ref = imageRefFor(project.name, name, service);
  const facts = b.inputs.images?.[ref] ?? null;
  const { hash, record } = serviceConfigHash(service, b.hashCtx);
  const dependencies = serviceDependencies(name, service, b.active);
  b.warnings.push(...ignoredAttributeWarnings(name, service));
  const ours: Record<string, string> = {
    [LABEL.project]: project.name,
    [LABEL.service]: name,
    [LABEL.oneoff]: 'false',
    [LABEL.configHash]: hash,
    [LABEL.workingDir]: project.workingDir,
    [LABEL.configFiles]: project.files.join(','),
    [COMPOSE_LABEL.project]: project.name,
    [COMPOSE_LABEL.service]: name,
    [COMPOSE_LABEL.oneoff]: 'False',
    [COMPOSE_LABEL.workingDir]: project.workingDir,
    [COMPOSE_LABEL.configFiles]: project.files.join(','),
  };
  if (facts?.digest !== undefined) ours[LABEL.image] = facts.digest;
  if (dependencies.length > 0) {
    ours[LABEL.dependsOn] = formatDependsOnLabel(
      dependencies.map((d) => ({ service: d.on, condition: d.condition, restart: d.restart })),
    );
  }
  if (b.inputs.version !== undefined) ours[LABEL.version] = b.inputs.version;
  for (const key of Object.keys(service.labels ?? {})) {
    if (Object.hasOwn(ours, key))
      b.warnings.push(`service ${name}: label ${key} is set by tscompose; yours is ignored`);
  }
  const ctx: MappingContext = {
    project,
    serviceName: name,
    configDigests: b.hashCtx.configDigests,
    secretDigests: b.hashCtx.secretDigests,
    serviceContainer: (other) =>
      containerName(project.name, other, 1, project.services[other]?.container_name),
  };
  const template = serviceContainerTemplate(service, ctx, {
    image: ref,
    ...(facts !== null ? { imageId: facts.id } : {}),
    ...(facts?.digest !== undefined ? { imageDigest: facts.digest } : {}),
    labels: { ...service.labels, ...ours },
    configRecord: record,
  });
  const namedVolumes = (service.volumes ?? [])
    .filter((v) => v.type === 'volume' && v.source !== undefined && v.source !== '')
    .map((v) => v.source as string);
  return {
    name,
    replicas,
    ...(service.container_name !== undefined ? { containerName: service.container_name } : {}),
    image: {
      ref,
      facts,
      pullPolicy: service.pull_policy ?? 'missing',
      buildable: service.build !== undefined,
      ...(service.platform !== undefined ? { platform: service.platform } : {}),
    },
    configHash: hash,
    configRecord: record,
    template,
    dependencies,
    namespaceRefs: namespaceReferences(service),
    networks: uniqueSorted(Object.keys(service.networks ?? {})),
    volumes: uniqueSorted(namedVolumes),
    configs: uniqueSorted((service.configs ?? []).map((c) => c.source)),
    secrets: uniqueSorted((service.secrets ?? []).map((c) => c.source)),
  };
}

function desiredNetwork(
  project: Project,
  key: string,
  config: NetworkConfig,
  inputs: DesiredStateInputs,
  warnings: string[],
): DesiredNetwork {
  const name = config.name ?? `${project.name}_${key}`;
  if (config.external === true)
    return { key, name, external: true, spec: null, configHash: '', configRecord: '' };
  const refuse = (detail: string, hint?: string): PlanError =>
    new PlanError('PLAN_UNSUPPORTED', `network ${key}: ${detail}`, hint);
  if (config.driver !== undefined && config.driver !== 'bridge') {
    throw refuse(`driver "${config.driver}" is not supported (bridge is)`);
  }
  if (config.enable_ipv6 === true) throw refuse('IPv6 is not supported yet', 'remove enable_ipv6');
  const pools = config.ipam.config ?? [];
  if (pools.length > 1) throw refuse('one IPAM pool is supported, several are given');
  const pool = pools[0];
  if (pool?.aux_addresses !== undefined) warnings.push(`network ${key}: ipam aux_addresses ignored`);
  const { hash, record } = networkConfigHash(config);
  const spec: NetworkSpec = {
    name,
    driver: 'bridge',
    ...(pool?.subnet !== undefined ? { subnet: pool.subnet } : {}),
    ...(pool?.gateway !== undefined ? { gateway: pool.gateway } : {}),
    ...(pool?.ip_range !== undefined ? { ipRange: pool.ip_range } : {}),
    ...(config.internal === true ? { internal: true } : {}),
    labels: {
      ...config.labels,
      ...resourceLabels(project.name, inputs, hash, record),
      [LABEL.network]: key,
      [COMPOSE_LABEL.network]: key,
    },
    ...(config.driver_opts !== undefined ? { options: config.driver_opts } : {}),
  };
  return { key, name, external: false, spec, configHash: hash, configRecord: record };
}

function desiredVolume(
  project: Project,
  key: string,
  config: VolumeConfig,
  inputs: DesiredStateInputs,
): DesiredVolume {
  const name = config.name ?? `${project.name}_${key}`;
  if (config.external === true)
    return { key, name, external: true, spec: null, configHash: '', configRecord: '' };
  if (config.driver !== undefined && config.driver !== '' && config.driver !== 'local') {
    throw new PlanError(
      'PLAN_UNSUPPORTED',
      `volume ${key}: driver "${config.driver}" is not supported (local is)`,
    );
  }
  const { hash, record } = volumeConfigHash(config);
  const spec: VolumeSpec = {
    name,
    driver: 'local',
    ...(config.driver_opts !== undefined ? { driverOpts: config.driver_opts } : {}),
    labels: {
      ...config.labels,
      ...resourceLabels(project.name, inputs, hash, record),
      [LABEL.volume]: key,
      [COMPOSE_LABEL.volume]: key,
    },
  };
  return { key, name, external: false, spec, configHash: hash, configRecord: record };
}

function resourceLabels(
  project: string,
  inputs: DesiredStateInputs,
  hash: string,
  record: string,
): Record<string, string> {
  return {
    [LABEL.project]: project,
    [LABEL.configHash]: hash,
    [LABEL.config]: record,
    [COMPOSE_LABEL.project]: project,
    ...(inputs.version !== undefined ? { [LABEL.version]: inputs.version } : {}),
  };
}

/**
 * Content digests of the configs (or secrets) active services use: the caller's, else computed
 * from inline/environment content. A file-sourced one without a digest is a caller bug (it must
 * read the files `planInputs()` lists).
 */
function contentDigests(
  project: Project,
  kind: 'config' | 'secret',
  active: ReadonlySet<string>,
  inputs: DesiredStateInputs,
): Record<string, string> {
  const given = (kind === 'config' ? inputs.contentDigests?.configs : inputs.contentDigests?.secrets) ?? {};
  const defs = kind === 'config' ? project.configs : project.secrets;
  const out: Record<string, string> = {};
  for (const name of active) {
    const service = project.services[name] as ServiceConfig;
    for (const ref of (kind === 'config' ? service.configs : service.secrets) ?? []) {
      const def = defs[ref.source];
      if (def === undefined || def.external === true || Object.hasOwn(out, ref.source)) continue;
      const digest = given[ref.source] ?? (def.content !== undefined ? sha256Digest(def.content) : undefined);
      if (digest === undefined) {
        throw new Error(
          `planner input missing: content digest of ${kind} ${ref.source} (${def.file ?? '?'})`,
        );
      }
      out[ref.source] = digest;
    }
  }
  return out;
}

function sortedKeys(record: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(record).sort();
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
