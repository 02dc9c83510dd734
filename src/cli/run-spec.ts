import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { UsageError } from '../common/usage-error.js';
import type { BindMountSpec, ContainerSpec, MountSpec, VolumeMountSpec } from '../engine/container/types.js';
import type { PortBindingSpec } from '../engine/network/types.js';
import { COMPOSE_LABEL, LABEL } from '../planner/labels.js';
import type { Project } from '../spec/types.js';

/** `run`'s flags that change the one-off container. */
export interface RunOverrides {
  readonly command?: readonly string[];
  readonly entrypoint?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly publish: readonly string[];
  readonly servicePorts: boolean;
  readonly volumes: readonly string[];
  readonly workdir?: string;
  readonly user?: string;
  readonly name?: string;
  readonly tty: boolean;
  readonly interactive: boolean;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
}

/**
 * The spec of a one-off `run` container, from the service's replica spec (Compose's rules):
 * named `<project>-<service>-run-<12 hex>` (or `--name`), labelled one-off (no container number),
 * no restart policy, ports only with `--service-ports` plus `-p`, and the flags' overrides.
 */
export function oneOffSpec(
  project: Project,
  service: string,
  base: ContainerSpec,
  o: RunOverrides,
): ContainerSpec {
  const labels: Record<string, string> = { ...base.labels, ...o.labels };
  delete labels[LABEL.containerNumber];
  delete labels[COMPOSE_LABEL.containerNumber];
  labels[LABEL.oneoff] = 'true';
  labels[COMPOSE_LABEL.oneoff] = 'True';
  const spec: ContainerSpec = {
    ...base,
    name: o.name ?? `${project.name}-${service}-run-${randomBytes(6).toString('hex')}`,
    labels,
    env: { ...base.env, ...o.env },
    ports: [...(o.servicePorts ? base.ports : []), ...o.publish.map(parsePublish)],
    mounts: [...base.mounts, ...o.volumes.map((v) => parseVolume(v, project))],
    tty: o.tty,
    stdinOpen: o.interactive,
    ...(o.command && o.command.length > 0 ? { command: [...o.command] } : {}),
    ...(o.entrypoint !== undefined
      ? { entrypoint: o.entrypoint === '' ? [] : splitWords(o.entrypoint) }
      : {}),
    ...(o.workdir !== undefined ? { workingDir: o.workdir } : {}),
    ...(o.user !== undefined ? { user: o.user } : {}),
    ...(o.capAdd.length > 0 ? { capAdd: [...(base.capAdd ?? []), ...o.capAdd] } : {}),
    ...(o.capDrop.length > 0 ? { capDrop: [...(base.capDrop ?? []), ...o.capDrop] } : {}),
  };
  delete (spec as { restartPolicy?: unknown }).restartPolicy;
  delete (spec as { configRecord?: unknown }).configRecord;
  return spec;
}

/** `-p [ip:][host:]container[/proto]`, ranges allowed (`8000-8001:80-81`). */
export function parsePublish(text: string): PortBindingSpec {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d+)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/.exec(
    text,
  );
  if (!m) throw new UsageError(`-p: expected [IP:][HOST:]CONTAINER[/PROTOCOL], got "${text}"`);
  const [, ip, host, hostEnd, container, containerEnd, proto] = m;
  return {
    ...(ip !== undefined ? { hostIp: ip } : {}),
    ...(host !== undefined ? { hostPort: Number(host) } : {}),
    ...(hostEnd !== undefined ? { hostPortEnd: Number(hostEnd) } : {}),
    containerPort: Number(container),
    ...(containerEnd !== undefined ? { containerPortEnd: Number(containerEnd) } : {}),
    protocol: proto === 'udp' ? 'udp' : 'tcp',
  };
}

/** `-v SRC:DST[:ro]`: a host path (absolute, or relative to the project) or a volume of the stack. */
export function parseVolume(text: string, project: Project): MountSpec {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3 || parts[0] === '' || !parts[1]?.startsWith('/')) {
    throw new UsageError(`-v: expected SOURCE:TARGET[:ro|rw] with an absolute TARGET, got "${text}"`);
  }
  const [source, target, mode] = parts as [string, string, string | undefined];
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw')
    throw new UsageError(`-v: mode must be ro or rw, got "${mode}"`);
  const readOnly = mode === 'ro';
  if (source.startsWith('/') || source.startsWith('.') || source.startsWith('~')) {
    const path = source.startsWith('/') ? source : posix.join(project.workingDir, source);
    return { type: 'bind', source: path, target, readOnly, createHostPath: true } satisfies BindMountSpec;
  }
  const volume = project.volumes[source];
  return { type: 'volume', source: volume?.name ?? source, target, readOnly } satisfies VolumeMountSpec;
}

/** `--entrypoint "sh -c"` → `["sh", "-c"]` (whitespace-separated, as Compose splits it). */
function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}
