import type { SpecErrorCode } from '../errors.js';
import type { FieldPath } from '../field-path.js';
import type { ServiceConfig } from '../service-types.js';
import { parseByteSize } from '../values/byte-size.js';
import type { Project } from '../types.js';
import type { ProjectStage } from './project-stage.js';

type Fail = (code: SpecErrorCode, path: FieldPath, detail: string, hint?: string, atKey?: boolean) => never;

/**
 * Project stage — consistency (skipped by `config --no-consistency`): every reference resolves
 * (networks, volumes, secrets, configs, models, services in depends_on, network_mode and
 * additional contexts), mutually exclusive attributes are not combined, `container_name` is not
 * used with more than one replica, mount targets are unique, and depends_on has no cycle.
 * Services are checked in name order, so the first error reported is always the same one.
 */
export const checkConsistencyStage: ProjectStage = {
  name: 'check-consistency',
  run(project, ctx, model) {
    if (!ctx.switches.consistency) return project;
    const fail: Fail = (code, path, detail, hint, atKey = false) =>
      ctx.fail(code, detail, {
        root: model,
        path,
        which: atKey ? 'key' : 'value',
        ...(hint ? { hint } : {}),
      });
    for (const name of Object.keys(project.services).sort()) {
      checkService(project, name, project.services[name] as ServiceConfig, fail);
    }
    for (const name of Object.keys(project.secrets).sort()) {
      const secret = project.secrets[name];
      if (secret && !secret.external && !secret.file && !secret.environment) {
        fail(
          'SPEC_INVALID',
          ['secrets', name],
          `secret "${name}" must declare either \`file\` or \`environment\``,
        );
      }
    }
    checkDependencyCycles(project, fail);
    return project;
  },
};

function checkService(project: Project, name: string, s: ServiceConfig, fail: Fail): void {
  const at = (...p: (string | number)[]): FieldPath => ['services', name, ...p];
  if (!s.build && !s.image && !s.provider) {
    fail(
      'SPEC_INVALID',
      at(),
      `service "${name}" has neither an image nor a build context specified`,
      'add image: or build:',
    );
  }
  if (s.build) {
    if (s.build.dockerfile_inline && s.build.dockerfile) {
      fail(
        'SPEC_CONFLICT',
        at('build'),
        `service "${name}" declares mutually exclusive dockerfile and dockerfile_inline`,
      );
    }
    for (const [key, context] of Object.entries(s.build.additional_contexts ?? {})) {
      if (!context.startsWith('service:')) continue;
      const target = project.services[context.slice('service:'.length)];
      if (!target) {
        fail(
          'SPEC_REFERENCE',
          at('build', 'additional_contexts', key),
          `service "${name}" declares unknown service "${context.slice(8)}" as additional context ${key}`,
        );
      }
      if (!target.build) {
        fail(
          'SPEC_REFERENCE',
          at('build', 'additional_contexts', key),
          `service "${name}" declares non-buildable service "${context.slice(8)}" as additional context ${key}`,
        );
      }
    }
    const platforms = s.build.platforms ?? [];
    if (platforms.length > 0 && s.platform && !platforms.includes(s.platform)) {
      fail(
        'SPEC_CONFLICT',
        at('platform'),
        `build.platforms must include the service platform "${s.platform}"`,
      );
    }
  }
  const networks = Object.keys(s.networks ?? {});
  if (s.network_mode && networks.length > 0) {
    fail(
      'SPEC_CONFLICT',
      at('network_mode'),
      `service "${name}" declares mutually exclusive \`network_mode\` and \`networks\``,
    );
  }
  for (const network of networks) {
    if (!Object.hasOwn(project.networks, network)) {
      fail(
        'SPEC_REFERENCE',
        at('networks', network),
        `service "${name}" refers to undefined network "${network}"`,
        `declare it under the top-level networks: key`,
        true,
      );
    }
  }
  const test = s.healthcheck?.test;
  if (test && test.length > 0 && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0] as string)) {
    fail(
      'SPEC_INVALID',
      at('healthcheck', 'test'),
      'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"',
    );
  }
  for (const [dep, config] of Object.entries(s.depends_on ?? {})) {
    if (Object.hasOwn(project.services, dep)) continue;
    const disabled = project.disabledServices[dep];
    if (disabled && !config.required) continue;
    if (disabled) {
      const profiles = (disabled.profiles ?? []).join(', ');
      fail(
        'SPEC_REFERENCE',
        at('depends_on', dep),
        `service "${name}" depends on service "${dep}", which is not enabled by the selected profiles`,
        `enable it with --profile ${profiles.split(', ')[0] ?? ''} (its profiles: ${profiles}), or set required: false`,
        true,
      );
    }
    fail(
      'SPEC_REFERENCE',
      at('depends_on', dep),
      `service "${name}" depends on undefined service "${dep}"`,
      undefined,
      true,
    );
  }
  if (s.network_mode?.startsWith('service:')) {
    const target = s.network_mode.slice('service:'.length);
    if (!Object.hasOwn(project.services, target)) {
      fail(
        'SPEC_REFERENCE',
        at('network_mode'),
        `service "${target}" not found for network_mode 'service:${target}'`,
      );
    }
  }
  (s.volumes ?? []).forEach((volume, i) => {
    if (volume.type === 'volume' && volume.source && !Object.hasOwn(project.volumes, volume.source)) {
      fail(
        'SPEC_REFERENCE',
        at('volumes', i),
        `service "${name}" refers to undefined volume "${volume.source}"`,
        'declare it under the top-level volumes: key, or use a path starting with ./ or / for a bind mount',
      );
    }
  });
  checkReferences(s.build?.secrets, project.secrets, 'build secret', at('build', 'secrets'), name, fail);
  checkReferences(s.configs, project.configs, 'config', at('configs'), name, fail);
  for (const model of Object.keys(s.models ?? {})) {
    if (!Object.hasOwn(project.models, model)) {
      fail(
        'SPEC_REFERENCE',
        at('models', model),
        `service "${name}" refers to undefined model "${model}"`,
        undefined,
        true,
      );
    }
  }
  checkReferences(s.secrets, project.secrets, 'secret', at('secrets'), name, fail);
  checkScale(s, name, at, fail);
  (s.develop?.watch ?? []).forEach((rule, i) => {
    if (!rule.target && rule.action !== 'rebuild' && rule.action !== 'restart') {
      fail(
        'SPEC_INVALID',
        at('develop', 'watch', i),
        `services.${name}.develop.watch: target is required for non-rebuild actions`,
      );
    }
  });
  checkMountTargets(s, at, fail);
}

function checkReferences(
  refs: { source: string }[] | undefined,
  defined: Record<string, unknown>,
  kind: string,
  path: FieldPath,
  service: string,
  fail: Fail,
): void {
  (refs ?? []).forEach((ref, i) => {
    if (!Object.hasOwn(defined, ref.source)) {
      const section = kind === 'config' ? 'configs' : 'secrets';
      fail(
        'SPEC_REFERENCE',
        [...path, i],
        `service "${service}" refers to undefined ${kind} "${ref.source}"`,
        `declare it under the top-level ${section}: key`,
      );
    }
  });
}

function checkScale(
  s: ServiceConfig,
  name: string,
  at: (...p: (string | number)[]) => FieldPath,
  fail: Fail,
): void {
  const replicas = s.deploy?.replicas;
  if (s.scale !== undefined && replicas !== undefined && s.scale !== replicas) {
    fail(
      'SPEC_CONFLICT',
      at('scale'),
      `services.${name}: can't set distinct values on 'scale' and 'deploy.replicas'`,
    );
  }
  if (s.scale !== undefined && s.scale < 0)
    fail('SPEC_INVALID', at('scale'), 'must be greater than or equal to 0');
  if (replicas !== undefined && replicas < 0)
    fail('SPEC_INVALID', at('deploy', 'replicas'), 'must be greater than or equal to 0');
  const limits = s.deploy?.resources.limits;
  const reservations = s.deploy?.resources.reservations;
  const bytes = (v: string | undefined): number => (v === undefined ? 0 : parseByteSize(v));
  const distinct = (legacy: string, modern: string, path: FieldPath): never =>
    fail(
      'SPEC_CONFLICT',
      path,
      `services.${name}: can't set distinct values on '${legacy}' and '${modern}'`,
      `remove ${legacy}, which is the legacy spelling of ${modern}`,
    );
  if (s.cpus !== undefined && s.deploy && limits && (limits.cpus ?? 0) !== s.cpus) {
    distinct('cpus', 'deploy.resources.limits.cpus', at('cpus'));
  }
  if (s.mem_limit !== undefined && s.deploy && limits && bytes(limits.memory) !== bytes(s.mem_limit)) {
    distinct('mem_limit', 'deploy.resources.limits.memory', at('mem_limit'));
  }
  if (
    s.mem_reservation !== undefined &&
    s.deploy &&
    reservations &&
    bytes(reservations.memory) !== bytes(s.mem_reservation)
  ) {
    distinct('mem_reservation', 'deploy.resources.reservations.memory', at('mem_reservation'));
  }
  if (s.pids_limit !== undefined && s.deploy && limits && (limits.pids ?? 0) !== s.pids_limit) {
    distinct('pids_limit', 'deploy.resources.limits.pids', at('pids_limit'));
  }
  const scale = s.scale ?? replicas ?? 1;
  if (scale > 1 && s.container_name) {
    const attr = s.scale === undefined ? 'deploy.replicas' : 'scale';
    fail(
      'SPEC_CONFLICT',
      at('container_name'),
      `services.${name}: can't set container_name and ${attr} as container name must be unique`,
      `remove container_name, or run a single replica`,
    );
  }
}

function checkMountTargets(s: ServiceConfig, at: (...p: (string | number)[]) => FieldPath, fail: Fail): void {
  const mounts = new Map<string, string>();
  (s.tmpfs ?? []).forEach((entry, i) => {
    const target = entry.split(':')[0] as string;
    const where = `tmpfs[${i}]`;
    const earlier = mounts.get(target);
    if (earlier) fail('SPEC_CONFLICT', at('tmpfs', i), `target ${target} already mounted as ${earlier}`);
    mounts.set(target, where);
  });
  (s.volumes ?? []).forEach((volume, i) => {
    const target = volume.target ?? '';
    const earlier = mounts.get(target);
    if (earlier) fail('SPEC_CONFLICT', at('volumes', i), `target ${target} already mounted as ${earlier}`);
    mounts.set(target, `volumes[${i}]`);
  });
}

/** depends_on must be acyclic; the cycle reported is the first found walking services by name. */
function checkDependencyCycles(project: Project, fail: Fail): void {
  const names = Object.keys(project.services).sort();
  const done = new Set<string>();
  const visit = (path: string[]): void => {
    const current = path[path.length - 1] as string;
    const deps = Object.keys(project.services[current]?.depends_on ?? {})
      .filter((d) => Object.hasOwn(project.services, d))
      .sort();
    for (const dep of deps) {
      const i = path.indexOf(dep);
      if (i >= 0) {
        const cycle = [...path.slice(i), dep];
        fail(
          'SPEC_CYCLE',
          ['services', current, 'depends_on', dep],
          `dependency cycle detected: ${cycle.join(' -> ')}`,
          'services cannot wait for each other; remove one of these depends_on entries',
          true,
        );
      }
      if (!done.has(dep)) visit([...path, dep]);
    }
    done.add(current);
  };
  for (const name of names) if (!done.has(name)) visit([name]);
}
