import type { ContainerInfo } from '../engine/index.js';

/** Docker's `units.HumanDuration`. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

/** The STATUS column: `Up 5 seconds (healthy)`, `Exited (3) 2 minutes ago`, `Created`, … */
export function statusText(c: ContainerInfo, now = Date.now()): string {
  const since = (iso: string | null): number => (iso ? now - Date.parse(iso) : 0);
  switch (c.state) {
    case 'created':
      return 'Created';
    case 'running':
    case 'paused': {
      const health = c.health
        ? c.health.status === 'starting'
          ? ' (health: starting)'
          : ` (${c.health.status})`
        : '';
      return `Up ${humanDuration(since(c.startedAt))}${c.state === 'paused' ? ' (Paused)' : health}`;
    }
    case 'restarting':
      return `Restarting (${c.exitCode ?? 0}) ${humanDuration(since(c.finishedAt))} ago`;
    case 'exited':
      return `Exited (${c.exitCode ?? 0}) ${humanDuration(since(c.finishedAt))} ago`;
    case 'dead':
      return 'Dead';
    case 'removing':
      return 'Removal In Progress';
  }
}

/** The PORTS column: `0.0.0.0:8080->80/tcp, 127.0.0.1:53->53/udp`. */
export function portsText(c: ContainerInfo): string {
  return c.ports.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', ');
}

/** The COMMAND column: the program and its arguments, quoted and cut to 20 characters. */
export function commandText(c: ContainerInfo): string {
  const cmd = [...(c.spec.entrypoint ?? []), ...(c.spec.command ?? [])].join(' ');
  const shown = cmd.length > 20 ? `${cmd.slice(0, 19)}…` : cmd;
  return `"${shown}"`;
}

/** `ls --format json`: one object per container, Docker's keys. */
export function listJson(c: ContainerInfo, now = Date.now()): Record<string, unknown> {
  return {
    ID: c.id.slice(0, 12),
    Names: c.name,
    Image: c.image,
    ImageID: c.imageId,
    Command: commandText(c),
    CreatedAt: c.created,
    RunningFor: `${humanDuration(now - Date.parse(c.created))} ago`,
    State: c.state,
    Status: statusText(c, now),
    ExitCode: c.exitCode,
    Health: c.health?.status ?? '',
    Ports: portsText(c),
    Labels: Object.entries(c.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    Networks: c.networks.map((n) => n.network).join(','),
    Mounts: c.mounts.map((m) => m.volumeName ?? m.source).join(','),
  };
}

/** `{{.State.Status}}`, `{{json .Config}}`: the few Go-template forms scripts use with inspect. */
export function applyTemplate(format: string, value: unknown): string {
  return format.replace(
    /\{\{\s*(json\s+)?(\.[A-Za-z0-9_.]*)\s*\}\}/g,
    (_, json: string | undefined, path: string) => {
      let v: unknown = value;
      for (const key of path.split('.').filter((k) => k !== '')) {
        v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
      }
      if (json) return JSON.stringify(v ?? null);
      if (v === undefined || v === null) return '<no value>';
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    },
  );
}
