/**
 * Names and resource ids of a service's containers. Compose's rule: `<project>-<service>-<n>`,
 * n from 1, or `container_name` (then the service has a single replica).
 */
export function containerName(project: string, service: string, number: number, fixed?: string): string {
  return fixed ?? `${project}-${service}-${number}`;
}

/**
 * Resource id of a replica in plans and progress events: `service:web:1`; a container without a
 * replica number (one-off, or a damaged label) is named by its name: `container:p-web-run-1a2b`.
 */
export function containerResource(service: string, number: number | null, name: string): string {
  return number === null ? `container:${name}` : `service:${service}:${number}`;
}

/**
 * The temporary name of the new container during a recreate (Compose's): `<old id 12>_<name>`.
 * The reconciler renames it to `name` once the old one is removed.
 */
export function temporaryName(oldId: string, name: string): string {
  return `${oldId.slice(0, 12)}_${name}`;
}
