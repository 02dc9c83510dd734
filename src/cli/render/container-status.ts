import type { ContainerInfo } from '../../engine/container/types.js';
import type { PublishedPort } from '../../engine/network/types.js';

/** Docker's human durations (`About a minute`, `3 hours`), as `ps` prints them. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return 'Less than a second';
  const s = Math.round(ms / 1000);
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.round(s / 60);
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

function since(iso: string | null, now: number): number {
  const t = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, now - t);
}

/** `Up 5 minutes (healthy)`, `Exited (0) 2 hours ago`, `Created` — Docker's STATUS column. */
export function statusText(c: ContainerInfo, now: number): string {
  const health = c.health
    ? ` (${c.health.status === 'starting' ? 'health: starting' : c.health.status})`
    : '';
  switch (c.state) {
    case 'running':
      return `Up ${humanDuration(since(c.startedAt, now))}${health}`;
    case 'paused':
      return `Up ${humanDuration(since(c.startedAt, now))} (Paused)`;
    case 'restarting':
      return `Restarting (${c.exitCode ?? 0}) ${humanDuration(since(c.finishedAt, now))} ago`;
    case 'exited':
      return `Exited (${c.exitCode ?? 0}) ${humanDuration(since(c.finishedAt, now))} ago`;
    case 'created':
      return 'Created';
    case 'dead':
      return 'Dead';
    case 'removing':
      return 'Removal In Progress';
    default: {
      const never: never = c.state;
      return String(never);
    }
  }
}

/** `0.0.0.0:8080->80/tcp, 127.0.0.1:5432->5432/tcp`. */
export function portsText(ports: readonly PublishedPort[]): string {
  return ports.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', ');
}

/** The command as created (`"httpd -f -p 80"`), cut to 20 characters unless `full`. */
export function commandText(c: ContainerInfo, full = false): string {
  const words = [...(c.spec.entrypoint ?? []), ...(c.spec.command ?? [])];
  const text = words.join(' ');
  return `"${full || text.length <= 20 ? text : `${text.slice(0, 19)}…`}"`;
}
