import { describe, expect, it } from 'vitest';
import { SpecError } from '../../../src/spec/errors.js';
import type { Plan } from '../../../src/planner/types.js';
import type { Project } from '../../../src/spec/types.js';
import { ConvergeLoop, type LoopTrigger } from '../../../src/reconciler/watch/converge-loop.js';
import type { FileWatcherFactory } from '../../../src/reconciler/watch/file-watcher.js';
import { makeProject } from '../planner/fixtures.js';

/** A file watcher the test drives: `touch(path)` is a change event. */
function manualWatcher(): {
  factory: FileWatcherFactory;
  touch(path: string): void;
  watched: () => readonly string[];
} {
  let onChange: ((path: string) => void) | undefined;
  let watched: readonly string[] = [];
  return {
    factory: (paths, change) => {
      watched = paths;
      onChange = change;
      return Promise.resolve({
        update: (next) => {
          watched = next;
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      });
    },
    touch: (path) => onChange?.(path),
    watched: () => watched,
  };
}

const plan = (actions: number): Plan => ({
  project: 'p',
  actions: Array.from({ length: actions }, (_, i) => ({
    id: i + 1,
    kind: 'start-container' as const,
    resource: `service:web:${i + 1}`,
    cause: 'stopped',
    after: [],
    service: 'web',
    number: i + 1,
    container: { containerId: `c${i}`, name: `p-web-${i + 1}` },
    waitFor: [],
  })),
  blockers: [],
  warnings: [],
  unchanged: { containers: [], networks: [], volumes: [] },
});

interface Harness {
  loop: ConvergeLoop;
  log: string[];
  touch(path: string): void;
  watched: () => readonly string[];
  controller: AbortController;
  running: Promise<void>;
  /** What load() returns next: a project, or an error to throw. */
  next: { value: Project | Error };
  /** Resolves the apply in progress (when `holdApply`). */
  releaseApply?: () => void;
  applying: number;
  maxApplying: number;
}

async function harness(
  o: { holdApply?: boolean; driftIntervalMs?: number; failDrift?: boolean } = {},
): Promise<Harness> {
  const w = manualWatcher();
  const controller = new AbortController();
  const initial = makeProject({ web: {} });
  const h = {
    log: [] as string[],
    touch: w.touch,
    watched: w.watched,
    controller,
    next: { value: initial as Project | Error },
    applying: 0,
    maxApplying: 0,
  } as Partial<Harness> as Harness;
  h.loop = new ConvergeLoop(initial, {
    signal: controller.signal,
    watch: w.factory,
    debounceMs: 5,
    driftIntervalMs: o.driftIntervalMs ?? 60_000,
    files: (p) => [`/srv/p/${p.services['web']?.environment?.['FILE'] ?? 'compose.yaml'}`],
    load: () =>
      h.next.value instanceof Error ? Promise.reject(h.next.value) : Promise.resolve(h.next.value),
    apply: async (project: Project, trigger: LoopTrigger) => {
      h.applying += 1;
      h.maxApplying = Math.max(h.maxApplying, h.applying);
      h.log.push(
        `apply ${trigger.kind}${trigger.kind === 'files' ? ` ${trigger.paths.join(',')}` : ''} FOO=${project.services['web']?.environment?.['FOO'] ?? '-'}`,
      );
      try {
        if (o.holdApply) await new Promise<void>((r) => (h.releaseApply = r));
        if (trigger.kind === 'drift' && o.failDrift) throw new Error('engine down');
        return trigger.kind === 'drift' ? plan(0) : plan(1);
      } finally {
        h.applying -= 1;
      }
    },
    events: {
      applied: (t, p) => h.log.push(`applied ${t.kind} ${p.actions.length}`),
      invalid: (err, paths) => h.log.push(`invalid ${paths.join(',')}: ${(err as Error).message}`),
      failed: (t, err) => h.log.push(`failed ${t.kind}: ${(err as Error).message}`),
      unchanged: (paths) => h.log.push(`unchanged ${paths.join(',')}`),
    },
  });
  h.running = h.loop.run();
  await new Promise((r) => setTimeout(r, 1));
  return h;
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const withEnv = (env: Record<string, string>): Project => makeProject({ web: { environment: env } });

describe('ConvergeLoop (up --watch)', () => {
  it('a valid edit reloads and applies; an invalid one changes nothing and keeps the last stack; the next valid one applies', async () => {
    const h = await harness();
    h.next.value = withEnv({ FOO: '1' });
    h.touch('/srv/p/compose.yaml');
    await until('first apply', () => h.log.includes('applied files 1'));
    h.next.value = new SpecError({
      code: 'SPEC_YAML',
      detail: 'bad indentation',
      position: { file: '/srv/p/compose.yaml', line: 3, col: 5 },
    });
    h.touch('/srv/p/compose.yaml');
    await until('invalid reported', () => h.log.some((l) => l.startsWith('invalid')));
    expect(h.loop.project.services['web']?.environment?.['FOO']).toBe('1');
    h.next.value = withEnv({ FOO: '2' });
    h.touch('/srv/p/compose.yaml');
    await until('second apply', () => h.log.filter((l) => l === 'applied files 1').length === 2);
    h.controller.abort();
    await h.running;
    expect(h.log).toEqual([
      'apply files /srv/p/compose.yaml FOO=1',
      'applied files 1',
      'invalid /srv/p/compose.yaml: /srv/p/compose.yaml:3:5: bad indentation',
      'apply files /srv/p/compose.yaml FOO=2',
      'applied files 1',
    ]);
  });

  it('a burst of events is one pass; events during a pass are coalesced into the next one; passes never overlap', async () => {
    const h = await harness({ holdApply: true });
    h.next.value = withEnv({ FOO: 'a' });
    h.touch('/srv/p/compose.yaml');
    h.touch('/srv/p/.env');
    await until('pass 1 running', () => h.applying === 1);
    h.next.value = withEnv({ FOO: 'b' });
    h.touch('/srv/p/.env');
    h.touch('/srv/p/compose.yaml');
    await new Promise((r) => setTimeout(r, 20));
    h.releaseApply?.();
    await until('pass 2 running', () => h.log.length === 3 && h.applying === 1);
    h.releaseApply?.();
    await until('pass 2 done', () => h.log.length === 4);
    h.controller.abort();
    await h.running;
    expect(h.maxApplying).toBe(1);
    expect(h.log).toEqual([
      'apply files /srv/p/.env,/srv/p/compose.yaml FOO=a',
      'applied files 1',
      'apply files /srv/p/.env,/srv/p/compose.yaml FOO=b',
      'applied files 1',
    ]);
  });

  it('the watched files follow the stack (a new env file is watched after the reload)', async () => {
    const h = await harness();
    expect(h.watched()).toEqual(['/srv/p/compose.yaml']);
    h.next.value = withEnv({ FILE: 'extra.env' });
    h.touch('/srv/p/compose.yaml');
    await until('reloaded', () => h.log.includes('applied files 1'));
    expect(h.watched()).toEqual(['/srv/p/extra.env']);
    h.controller.abort();
    await h.running;
  });

  it('checks for drift periodically with the stack in force; a failed repair is reported and retried', async () => {
    const h = await harness({ driftIntervalMs: 5, failDrift: true });
    await until(
      'two drift failures',
      () => h.log.filter((l) => l === 'failed drift: engine down').length >= 2,
    );
    h.controller.abort();
    await h.running;
    expect(h.log.filter((l) => l.startsWith('apply drift')).length).toBeGreaterThanOrEqual(2);
  });
});
