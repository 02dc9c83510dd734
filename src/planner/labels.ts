/**
 * Labels tscompose puts on what it creates, and reads back to find it. Live state is found through
 * these labels (project, service, container number), never through names (BLUEPRINT §7). Only the
 * `io.tscompose.*` labels are ever read; the `com.docker.compose.*` ones are written for people and
 * tools used to Docker Compose (filters such as `label=com.docker.compose.service=web` keep
 * working) and carry the same values Compose would (`True`/`False` for oneoff).
 */
export const LABEL = {
  /** Project name, on containers, networks and volumes. */
  project: 'io.tscompose.project',
  /** Service name (containers). */
  service: 'io.tscompose.service',
  /** Replica number, decimal, from 1 (containers of services; absent on one-off `run` containers). */
  containerNumber: 'io.tscompose.container-number',
  /** `true` on one-off `run` containers, `false` on service containers. */
  oneoff: 'io.tscompose.oneoff',
  /** The config hash (containers, networks, volumes): see config-hash.ts. */
  configHash: 'io.tscompose.config-hash',
  /** Manifest digest of the image a container was created from (`sha256:…`), when known. */
  image: 'io.tscompose.image',
  /**
   * The container's dependencies, `service:condition:restart` comma-separated (Compose's
   * `depends_on` label): lets `down` and orphan removal order containers whose service is gone.
   */
  dependsOn: 'io.tscompose.depends-on',
  /** tscompose version that created the object. */
  version: 'io.tscompose.version',
  /** Network key in the stack (`backend`), on networks. */
  network: 'io.tscompose.network',
  /** Volume key in the stack (`data`), on volumes. */
  volume: 'io.tscompose.volume',
  /**
   * Canonical JSON of the hashed definition of a network or volume (small, never secret), so a
   * plan can say which field changed. Containers keep theirs in `ContainerSpec.configRecord`.
   */
  config: 'io.tscompose.config',
  /** Project directory and stack files (containers), for `ls`. */
  workingDir: 'io.tscompose.project.working-dir',
  configFiles: 'io.tscompose.project.config-files',
} as const;

/** Docker Compose's names for the same facts (written, never read). */
export const COMPOSE_LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
} as const;

/** The replica number in a container's labels, or null when absent or not a positive integer. */
export function containerNumberOf(labels: Readonly<Record<string, string>>): number | null {
  const raw = labels[LABEL.containerNumber];
  if (raw === undefined || !/^[1-9][0-9]*$/.test(raw)) return null;
  return Number(raw);
}

/** One entry of the depends-on label. */
export interface DependsOnLabelEntry {
  readonly service: string;
  readonly condition: string;
  readonly restart: boolean;
}

export function formatDependsOnLabel(entries: readonly DependsOnLabelEntry[]): string {
  return entries.map((e) => `${e.service}:${e.condition}:${e.restart}`).join(',');
}

/** Parses the depends-on label; malformed entries are skipped (labels are user-editable data). */
export function parseDependsOnLabel(text: string | undefined): DependsOnLabelEntry[] {
  if (text === undefined || text === '') return [];
  const out: DependsOnLabelEntry[] = [];
  for (const part of text.split(',')) {
    const [service, condition, restart] = part.split(':');
    if (service === undefined || service === '' || condition === undefined) continue;
    out.push({ service, condition, restart: restart === 'true' });
  }
  return out;
}
