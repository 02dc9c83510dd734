import type { Writable } from 'node:stream';

/**
 * Debug logs, off unless `--debug`. One namespace per subsystem (`engine:image`), context fields
 * such as `{ project, service, container }`; never secrets or environments.
 */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  child(namespace: string): Logger;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  child: () => silentLogger,
};

export function createLogger(namespace: string, out: Writable | undefined): Logger {
  if (!out) return silentLogger;
  return {
    debug(message, fields) {
      const extra = fields ? ` ${JSON.stringify(fields)}` : '';
      out.write(`[${new Date().toISOString()}] ${namespace}: ${message}${extra}\n`);
    },
    child(sub) {
      return createLogger(`${namespace}:${sub}`, out);
    },
  };
}
