import { constants } from 'node:os';
import { EngineError } from '../errors.js';

const BY_NUMBER = new Map<number, string>(
  Object.entries(constants.signals).map(([name, n]) => [n, name] as [number, string]),
);

/**
 * Normalizes a signal as Docker accepts it (`SIGTERM`, `TERM`, `15`, `sigterm`) to its `SIG…` name;
 * `RTMIN+N`/`SIGRTMIN+N` pass through upper-cased. Throws CONTAINER_SIGNAL_INVALID otherwise.
 */
export function normalizeSignal(value: string): string {
  const v = value.trim().toUpperCase();
  if (/^[0-9]+$/.test(v)) {
    const name = BY_NUMBER.get(Number(v));
    if (name) return name;
  } else {
    const name = v.startsWith('SIG') ? v : `SIG${v}`;
    if (name in constants.signals) return name;
    if (/^SIGRTM(IN|AX)([+-][0-9]{1,2})?$/.test(name)) return name;
  }
  throw new EngineError(
    'CONTAINER_SIGNAL_INVALID',
    `invalid signal "${value}"`,
    'use a name such as SIGTERM, TERM or a number such as 15',
  );
}

/** The signal's number (for exit codes 128+N); undefined for real-time names. */
export function signalNumber(name: string): number | undefined {
  return (constants.signals as Record<string, number>)[name];
}
