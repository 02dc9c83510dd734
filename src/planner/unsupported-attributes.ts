import type { ServiceConfig } from '../spec/types.js';

/**
 * Service attributes the engine does not implement, as data. Each is ignored with a warning in the
 * desired state (the stack still comes up; the user is told what is not applied). Attributes
 * whose absence would change behaviour in a way users rely on (sctp ports, external secrets,
 * `image` mounts, `network_mode: bridge`) are refused instead, where they are mapped.
 */
export const IGNORED_SERVICE_ATTRIBUTES: readonly {
  readonly path: string;
  readonly present: (s: ServiceConfig) => boolean;
  readonly note: string;
}[] = [
  { path: 'gpus', present: (s) => s.gpus !== undefined, note: 'no GPU support' },
  { path: 'runtime', present: (s) => s.runtime !== undefined, note: 'one runtime only (tscompose-native)' },
  { path: 'isolation', present: (s) => s.isolation !== undefined, note: 'Windows only' },
  { path: 'blkio_config', present: (s) => s.blkio_config !== undefined, note: 'no block I/O limits yet' },
  {
    path: 'storage_opt',
    present: (s) => s.storage_opt !== undefined,
    note: 'overlay storage has no options',
  },
  { path: 'credential_spec', present: (s) => s.credential_spec !== undefined, note: 'Windows only' },
  {
    path: 'cgroup_parent',
    present: (s) => s.cgroup_parent !== undefined,
    note: 'the engine owns its cgroup tree',
  },
  { path: 'userns_mode', present: (s) => s.userns_mode !== undefined, note: 'no user namespaces yet' },
  { path: 'cpu_count', present: (s) => s.cpu_count !== undefined, note: 'Windows only' },
  { path: 'cpu_percent', present: (s) => s.cpu_percent !== undefined, note: 'Windows only' },
  { path: 'cpu_rt_period', present: (s) => s.cpu_rt_period !== undefined, note: 'no realtime scheduling' },
  { path: 'cpu_rt_runtime', present: (s) => s.cpu_rt_runtime !== undefined, note: 'no realtime scheduling' },
  {
    path: 'use_api_socket',
    present: (s) => s.use_api_socket !== undefined,
    note: 'there is no Docker API socket',
  },
  { path: 'models', present: (s) => s.models !== undefined, note: 'no model runner' },
  {
    path: 'external_links',
    present: (s) => s.external_links !== undefined,
    note: 'legacy links to other stacks',
  },
  { path: 'pre_start', present: (s) => s.pre_start !== undefined, note: 'pre_start hooks are not run yet' },
  {
    path: 'deploy.resources.reservations.devices',
    present: (s) => s.deploy?.resources.reservations?.devices !== undefined,
    note: 'no device reservations',
  },
];

/** Warnings for the ignored attributes a service sets: `service web: gpus ignored (no GPU support)`. */
export function ignoredAttributeWarnings(name: string, service: ServiceConfig): string[] {
  return IGNORED_SERVICE_ATTRIBUTES.filter((a) => a.present(service)).map(
    (a) => `service ${name}: ${a.path} ignored (${a.note})`,
  );
}
