import type { Writable } from 'node:stream';
import type { ContainerInfo } from '../engine/container/types.js';
import type { EnginePort, LogOptions } from '../reconciler/engine-port.js';

export interface LogPrintOptions extends LogOptions {
  readonly out: Writable;
  /** Prefix each line with `web-1  | ` (default true). */
  readonly prefix?: boolean;
  /** Show each line's time (`-t`). */
  readonly timestamps?: boolean;
  /** Colour the prefixes (on a terminal). */
  readonly color?: boolean;
}

const COLORS = [36, 33, 32, 35, 34, 91, 96, 93, 92, 95, 94];

/** `p-web-1` in project `p` → `web-1` (Compose's prefix: the container name without the project). */
export function logLabel(c: ContainerInfo, project: string): string {
  return c.name.startsWith(`${project}-`) ? c.name.slice(project.length + 1) : c.name;
}

/**
 * Streams the logs of several containers at once, each line prefixed with its container's label
 * padded to the longest (`web-1  | hello`), as `logs` and attached `up` print them. Resolves when
 * every stream ended (all containers' logs read; with `follow`, when the signal aborts or the
 * engine ends them). Lines are written whole, so streams never interleave inside a line.
 */
export async function printLogs(
  port: EnginePort,
  containers: readonly ContainerInfo[],
  project: string,
  o: LogPrintOptions,
): Promise<void> {
  const labels = containers.map((c) => logLabel(c, project));
  const width = Math.max(0, ...labels.map((l) => l.length));
  await Promise.all(
    containers.map(async (c, i) => {
      const label = labels[i] as string;
      const head =
        o.prefix === false
          ? ''
          : o.color
            ? `\x1b[${COLORS[i % COLORS.length]}m${label.padEnd(width)}  |\x1b[0m `
            : `${label.padEnd(width)}  | `;
      try {
        for await (const entry of port.logs(c.id, o)) {
          o.out.write(`${head}${o.timestamps ? `${entry.time} ` : ''}${entry.text}\n`);
        }
      } catch (err) {
        if (o.signal?.aborted) return;
        throw err;
      }
    }),
  );
}
