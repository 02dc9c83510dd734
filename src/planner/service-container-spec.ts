import type { ContainerSpec, IpcMode, PidMode } from '../engine/container/types.js';
import type { ServiceConfig } from '../spec/types.js';
import { serviceReference } from './dependency-graph.js';
import { unsupported, type MappingContext } from './mapping-context.js';
import {
  durationMs,
  serviceHealthcheck,
  serviceRestartPolicy,
  serviceSecurityOptions,
} from './service-lifecycle.js';
import { serviceFiles, serviceMounts, serviceVolumesFrom } from './service-mounts.js';
import { serviceExpose, serviceExtraHosts, serviceNetworking, servicePorts } from './service-networking.js';
import { serviceResources, serviceUlimits } from './service-resources.js';

/** What the template needs besides the service: decided by the desired state. */
export interface TemplateExtras {
  readonly image: string;
  readonly imageId?: string;
  readonly imageDigest?: string;
  /** Labels to set (the service's merged with tscompose's; tscompose's win). */
  readonly labels: Readonly<Record<string, string>>;
  readonly configRecord: string;
}

/**
 * Maps every service attribute the engine supports onto a ContainerSpec (Docker's meaning of each
 * is documented on ContainerSpec). The name is left empty: `containerSpecFor()` sets it per replica.
 * Attributes the engine cannot honour either throw PLAN_UNSUPPORTED (where ignoring them would
 * change behaviour) or are listed in unsupported-attributes.ts (ignored with a warning).
 */
export function serviceContainerTemplate(
  service: ServiceConfig,
  ctx: MappingContext,
  extras: TemplateExtras,
): ContainerSpec {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.environment ?? {})) if (value !== null) env[key] = value;
  const spec: { -readonly [K in keyof ContainerSpec]: ContainerSpec[K] } = {
    name: '',
    image: extras.image,
    entrypoint: service.entrypoint === null ? null : [...service.entrypoint],
    command: service.command === null ? null : [...service.command],
    env,
    labels: extras.labels,
    mounts: serviceMounts(service, ctx),
    network: serviceNetworking(service, ctx),
    ports: servicePorts(service, ctx),
    configRecord: extras.configRecord,
  };
  const opt = <K extends keyof ContainerSpec>(key: K, value: ContainerSpec[K] | undefined): void => {
    if (value !== undefined) spec[key] = value;
  };
  const list = <T>(value: readonly T[] | undefined): T[] | undefined =>
    value === undefined || value.length === 0 ? undefined : [...value];
  opt('imageId', extras.imageId);
  opt('imageDigest', extras.imageDigest);
  opt('annotations', service.annotations);
  opt('hostname', service.hostname);
  opt('domainname', service.domainname);
  opt('user', service.user);
  opt('workingDir', service.working_dir);
  opt('init', service.init);
  if (service.read_only === true) spec.readOnlyRootfs = true;
  opt('volumesFrom', list(serviceVolumesFrom(service, ctx)));
  opt('exposedPorts', list(serviceExpose(service, ctx)));
  opt('dns', list(service.dns));
  opt('dnsSearch', list(service.dns_search));
  opt('dnsOptions', list(service.dns_opt));
  opt('extraHosts', list(serviceExtraHosts(service, ctx)));
  opt('capAdd', list(service.cap_add));
  opt('capDrop', list(service.cap_drop));
  if (service.privileged === true) spec.privileged = true;
  const security = serviceSecurityOptions(service, ctx.project.workingDir);
  opt('noNewPrivileges', security.noNewPrivileges);
  opt('securityOpt', security.securityOpt);
  opt('ulimits', serviceUlimits(service));
  opt('sysctls', service.sysctls);
  if (service.shm_size !== undefined) spec.shmSizeBytes = Number(service.shm_size);
  opt('resources', serviceResources(service, ctx));
  opt('restartPolicy', serviceRestartPolicy(service, ctx));
  opt('healthcheck', serviceHealthcheck(service, ctx));
  opt('stopSignal', service.stop_signal);
  if (service.stop_grace_period !== undefined) {
    spec.stopGracePeriodMs = durationMs(service.stop_grace_period, 'stop_grace_period', ctx);
  }
  if (service.tty === true) spec.tty = true;
  if (service.stdin_open === true) spec.stdinOpen = true;
  opt(
    'devices',
    list(
      service.devices?.map((d) => ({
        hostPath: d.source,
        ...(d.target !== undefined ? { containerPath: d.target } : {}),
        ...(d.permissions !== undefined ? { permissions: d.permissions } : {}),
      })),
    ),
  );
  opt('deviceCgroupRules', list(service.device_cgroup_rules));
  opt('groupAdd', list(service.group_add));
  opt('ipc', ipcMode(service, ctx));
  opt('pid', pidMode(service, ctx));
  if (service.uts !== undefined) {
    if (service.uts !== 'host') throw unsupported(ctx, 'uts', `expected "host", got "${service.uts}"`);
    spec.uts = 'host';
  }
  opt('cgroupns', service.cgroup);
  opt('files', list(serviceFiles(service, ctx)));
  if (service.logging !== undefined) {
    spec.logging = {
      driver: service.logging.driver ?? 'json-file',
      ...(service.logging.options !== undefined ? { options: service.logging.options } : {}),
    };
  }
  return spec;
}

function ipcMode(service: ServiceConfig, ctx: MappingContext): IpcMode | undefined {
  const ipc = service.ipc;
  if (ipc === undefined || ipc === '') return undefined;
  const ref = serviceReference(ipc);
  if (ref !== null) return `container:${ctx.serviceContainer(ref)}`;
  if (ipc.startsWith('container:') || ['private', 'shareable', 'host', 'none'].includes(ipc))
    return ipc as IpcMode;
  throw unsupported(
    ctx,
    'ipc',
    `expected private, shareable, host, none, service:X or container:X, got "${ipc}"`,
  );
}

function pidMode(service: ServiceConfig, ctx: MappingContext): PidMode | undefined {
  const pid = service.pid;
  if (pid === undefined || pid === '') return undefined;
  const ref = serviceReference(pid);
  if (ref !== null) return `container:${ctx.serviceContainer(ref)}`;
  if (pid === 'host' || pid.startsWith('container:')) return pid as PidMode;
  throw unsupported(ctx, 'pid', `expected host, service:X or container:X, got "${pid}"`);
}
