import { summarizePaths } from './field-diff.js';
import type { NamespaceRef } from './types.js';

/**
 * Every cause the planner writes, in one place so the wording stays consistent (users read these;
 * tests assert them). Keep them short, lower-case, and saying what was found.
 */
export const CAUSE = {
  missing: 'missing',
  orphan: 'orphan',
  notStarted: 'created, not started',
  stopped: 'stopped',
  stoppedOutside: 'stopped outside tscompose',
  noNumber: 'no container-number label',
  scale: (from: number, to: number): string => `scale ${from}→${to}`,
  configChanged: (paths: readonly string[]): string =>
    paths.length === 0 ? 'config hash changed' : `config hash changed: ${summarizePaths(paths)}`,
  imageUpdated: (from: string, to: string): string => `image updated: ${shortId(from)} → ${shortId(to)}`,
  forced: (flag: string): string => `forced (${flag})`,
  state: (state: string): string => `state ${state}`,
  nameChanged: (from: string, to: string): string => `name changed: ${from} → ${to}`,
  networkNotAttached: (network: string): string => `network ${network} not attached`,
  volumeNotMounted: (volume: string): string => `volume ${volume} not mounted`,
  volumeRecreated: (key: string): string => `volume ${key} recreated`,
  duplicate: (number: number): string => `duplicate of container-number ${number}`,
  dependencyRecreated: (dependency: string): string => `dependency ${dependency} recreated (restart: true)`,
  parentRecreated: (ref: NamespaceRef): string =>
    ref.kind === 'volumes_from'
      ? `volumes_from ${ref.service} parent recreated`
      : `${ref.kind} service:${ref.service} parent recreated`,
  pullPolicy: (policy: string): string => `pull_policy: ${policy}`,
  pullFlag: (value: string): string => `--pull ${value}`,
  pullStale: (policy: string, lastUpdated: string): string =>
    `pull_policy: ${policy} (last pulled ${lastUpdated})`,
} as const;

/** `sha256:0123456789abcdef…` → `0123456789ab`. */
export function shortId(id: string): string {
  const hex = id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
  return hex.slice(0, 12);
}
