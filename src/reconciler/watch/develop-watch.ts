import { stat } from 'node:fs/promises';
import { basename, posix, relative, sep } from 'node:path';
import { Writable } from 'node:stream';
import type { ContainerInfo } from '../../engine/container/types.js';
import type { Project, WatchRule } from '../../spec/types.js';
import { isLive } from '../actions/index.js';
import { serviceContainers } from '../dependency-wait.js';
import type { CopyEntry, EnginePort, ProcessStdio } from '../engine-port.js';
import { DEFAULT_WATCH_IGNORES, globMatcher } from './glob-match.js';

export interface DevelopWatchEvents {
  synced?(service: string, paths: readonly string[]): void;
  restarted?(service: string): void;
  executed?(service: string, command: readonly string[], exitCode: number): void;
  failed?(service: string, err: unknown): void;
  /** A rule not applied (`rebuild`, a path that does not exist). */
  skipped?(service: string, rule: WatchRule, reason: string): void;
}

export interface DevelopWatchOptions {
  readonly port: EnginePort;
  readonly project: Project;
  readonly signal: AbortSignal;
  /** Only these services' rules (default: every active service's). */
  readonly services?: readonly string[];
  /** Quiet period before a batch of changes is applied (default 500 ms, Compose's). */
  readonly debounceMs?: number;
  readonly events?: DevelopWatchEvents;
}

interface RuleState {
  readonly service: string;
  readonly rule: WatchRule;
  readonly isDirectory: boolean;
  readonly ignored: (rel: string) => boolean;
  readonly included: ((rel: string) => boolean) | undefined;
  readonly changed: Map<string, 'changed' | 'deleted'>;
  timer?: NodeJS.Timeout;
}

type Closer = () => Promise<void>;

/**
 * `develop.watch` (Compose's §4.7): for each rule of each service, watches `path` recursively and,
 * after a quiet period, applies the batch of changes to the service's running containers:
 * `sync` copies changed files to `target` (and deletes removed ones through exec `rm -rf`),
 * `restart` restarts the containers, `sync+restart` does both, `sync+exec` syncs then runs
 * `exec.command` in each container. `initial_sync` copies the whole path at start. `rebuild`
 * needs image builds (not supported yet): reported once and skipped. Changes of one rule are
 * applied one batch at a time.
 */
export async function startDevelopWatch(o: DevelopWatchOptions): Promise<Closer> {
  const { watch } = await import('chokidar');
  const closers: Closer[] = [];
  const services = o.services ?? Object.keys(o.project.services).sort();
  for (const service of services) {
    for (const rule of o.project.services[service]?.develop?.watch ?? []) {
      if (rule.action === 'rebuild') {
        o.events?.skipped?.(service, rule, 'rebuild needs image builds, which are not supported yet');
        continue;
      }
      const info = await stat(rule.path).catch(() => undefined);
      if (!info) {
        o.events?.skipped?.(service, rule, `${rule.path} does not exist`);
        continue;
      }
      const state: RuleState = {
        service,
        rule,
        isDirectory: info.isDirectory(),
        ignored: globMatcher([...DEFAULT_WATCH_IGNORES, ...(rule.ignore ?? [])]),
        included: rule.include && rule.include.length > 0 ? globMatcher(rule.include) : undefined,
        changed: new Map(),
      };
      const relOf = (p: string): string =>
        state.isDirectory ? relative(rule.path, p).split(sep).join('/') : basename(rule.path);
      const watcher = watch(rule.path, {
        ignoreInitial: true,
        atomic: true,
        ignored: (p: string) => p !== rule.path && state.isDirectory && state.ignored(relOf(p)),
      });
      let chain: Promise<void> = Promise.resolve();
      watcher.on('all', (event, p) => {
        const rel = relOf(p);
        if (state.isDirectory && (rel === '' || rel.startsWith('..'))) return;
        if (state.included && !state.included(rel)) return;
        if (event === 'addDir' || event === 'unlinkDir') {
          if (event === 'unlinkDir') state.changed.set(rel, 'deleted');
          else state.changed.set(rel, 'changed');
        } else state.changed.set(rel, event === 'unlink' ? 'deleted' : 'changed');
        if (state.timer) clearTimeout(state.timer);
        state.timer = setTimeout(() => {
          const batch = new Map(state.changed);
          state.changed.clear();
          chain = chain
            .then(() => applyBatch(o, state, batch))
            .catch((err: unknown) => o.events?.failed?.(service, err));
        }, o.debounceMs ?? 500);
      });
      watcher.on('error', (err) => o.events?.failed?.(service, err));
      await new Promise<void>((ready) => watcher.once('ready', () => ready()));
      if (rule.initial_sync === true && rule.action !== 'restart') {
        chain = chain
          .then(() =>
            applyBatch(o, state, new Map([[state.isDirectory ? '.' : basename(rule.path), 'changed']])),
          )
          .catch((err: unknown) => o.events?.failed?.(service, err));
      }
      closers.push(async () => {
        if (state.timer) clearTimeout(state.timer);
        await watcher.close();
        await chain;
      });
    }
  }
  return async () => {
    await Promise.all(closers.map((c) => c()));
  };
}

async function applyBatch(
  o: DevelopWatchOptions,
  state: RuleState,
  batch: ReadonlyMap<string, 'changed' | 'deleted'>,
): Promise<void> {
  if (batch.size === 0 || o.signal.aborted) return;
  const { rule, service } = state;
  const signal = { signal: o.signal };
  const containers = (await serviceContainers(o.port, o.project.name, service, o.signal)).filter(isLive);
  if (containers.length === 0) return;
  const syncs = rule.action !== 'restart';
  if (syncs) {
    const target = rule.target ?? '/';
    const dest = state.isDirectory ? target : posix.dirname(target);
    const changed = [...batch].filter(([, k]) => k === 'changed').map(([rel]) => rel);
    const deleted = [...batch].filter(([, k]) => k === 'deleted').map(([rel]) => rel);
    const entries: CopyEntry[] = [];
    for (const rel of changed) {
      const hostPath = state.isDirectory ? (rel === '.' ? rule.path : `${rule.path}/${rel}`) : rule.path;
      // Gone again since the event: nothing to copy (a later event says it was deleted).
      if (!(await stat(hostPath).catch(() => undefined))) continue;
      entries.push({ path: state.isDirectory ? rel : posix.basename(target), hostPath });
    }
    for (const c of containers) {
      if (entries.length > 0) await o.port.copyToContainer(c.id, dest, entries, signal);
      if (deleted.length > 0) {
        const paths = deleted.map((rel) => (state.isDirectory ? posix.join(target, rel) : target));
        await o.port.exec(c.id, { command: ['rm', '-rf', ...paths] }, discardStdio(), signal);
      }
    }
    o.events?.synced?.(service, [...batch.keys()].sort());
  }
  if (rule.action === 'restart' || rule.action === 'sync+restart') {
    await restartAll(o.port, containers, o.signal);
    o.events?.restarted?.(service);
  }
  if (rule.action === 'sync+exec' && rule.exec?.command) {
    for (const c of containers) {
      const code = await o.port.exec(
        c.id,
        {
          command: rule.exec.command,
          ...(rule.exec.user !== undefined ? { user: rule.exec.user } : {}),
          ...(rule.exec.working_dir !== undefined ? { workingDir: rule.exec.working_dir } : {}),
          ...(rule.exec.privileged ? { privileged: true } : {}),
          ...(rule.exec.environment ? { env: definedOnly(rule.exec.environment) } : {}),
        },
        discardStdio(),
        signal,
      );
      o.events?.executed?.(service, rule.exec.command, code);
    }
  }
}

async function restartAll(
  port: EnginePort,
  containers: readonly ContainerInfo[],
  signal: AbortSignal,
): Promise<void> {
  await Promise.all(
    containers.map(async (c) => {
      await port.stopContainer(c.id, { signal });
      await port.startContainer(c.id, { signal });
    }),
  );
}

function definedOnly(env: Readonly<Record<string, string | null>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== null) out[k] = v;
  return out;
}

/** Where the output of sync's helper commands goes: nowhere (failures show in the exit code). */
function discardStdio(): ProcessStdio {
  const sink = (): Writable =>
    new Writable({
      write(_chunk, _enc, cb) {
        cb();
      },
    });
  return { stdout: sink(), stderr: sink() };
}
