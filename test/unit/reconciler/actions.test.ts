import { describe, expect, it } from 'vitest';
import { converge } from '../../../src/reconciler/converge.js';
import type { ReconcileError } from '../../../src/reconciler/errors.js';
import { executePlan } from '../../../src/reconciler/executor.js';
import type { Action, Plan } from '../../../src/planner/types.js';
import { makeProject } from '../planner/fixtures.js';
import { FakeEngine } from './fake-engine.js';

const planOf = (actions: Action[]): Plan => ({
  project: 'p',
  actions,
  blockers: [],
  warnings: [],
  unchanged: { containers: [], networks: [], volumes: [] },
});

const PUBLISHED = [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' as const }];
const withPort = (env: Record<string, string> = {}): ReturnType<typeof makeProject> =>
  makeProject({
    web: { environment: env, ports: [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }] },
  });

describe('recreate-container', () => {
  it('with fixed host ports: the old container hands its ports over before the new one is created', async () => {
    const e = new FakeEngine({ images: ['web:1'] });
    await converge(e, withPort(), {});
    e.patch('p-web-1', { ports: PUBLISHED });
    const oldId = e.byName('p-web-1')!.info.id;
    const before = e.calls.length;
    await converge(e, withPort({ A: '1' }), {});
    const tmp = `${oldId.slice(0, 12)}_p-web-1`;
    expect(e.calls.slice(before)).toEqual([
      'stop p-web-1',
      'unpublish p-web-1',
      `create ${tmp}`,
      'rm p-web-1',
      `rename ${tmp} p-web-1`,
      'start p-web-1',
    ]);
  });

  it('with fixed host ports: a failed create gives the ports back and starts the old container again', async () => {
    const e = new FakeEngine({ images: ['web:1'] });
    await converge(e, withPort(), {});
    e.patch('p-web-1', { ports: PUBLISHED });
    const oldId = e.byName('p-web-1')!.info.id;
    const tmp = `${oldId.slice(0, 12)}_p-web-1`;
    const failing = new FakeEngine({ images: ['web:1'], fail: [`create ${tmp}`] });
    for (const [id, live] of e.containers) failing.containers.set(id, live);
    for (const [name, n] of e.networks) failing.networks.set(name, n);
    const err = await converge(failing, withPort({ A: '1' }), {}).catch((x: unknown) => x);
    expect((err as Error).message).toBe(
      `service web (p-web-1): recreate failed: create ${tmp}: injected failure`,
    );
    expect(failing.calls).toEqual([
      'stop p-web-1',
      'unpublish p-web-1',
      `create ${tmp}`,
      'publish p-web-1',
      'start p-web-1',
    ]);
    expect(failing.byName('p-web-1')!.info.state).toBe('running');
  });

  it('a container the user stopped, recreated by the watch loop, is not started and keeps its intent', async () => {
    const e = new FakeEngine({ images: ['web:1'] });
    await converge(e, makeProject({ web: {} }), {});
    e.patch('p-web-1', { state: 'exited', exitCode: 0, desiredState: 'stopped', manuallyStopped: true });
    await converge(e, makeProject({ web: { environment: { A: '1' } } }), { plan: { trigger: 'watch' } });
    const c = e.byName('p-web-1')!.info;
    expect(c.spec.env).toEqual({ A: '1' });
    expect(c.state).toBe('created');
    expect(c.desiredState).toBe('stopped');
  });
});

describe('other actions', () => {
  it('start-container records the intent running before starting a container stopped by tscompose stop', async () => {
    const e = new FakeEngine({ images: ['web:1'] });
    await converge(e, makeProject({ web: {} }), {});
    e.patch('p-web-1', { state: 'exited', exitCode: 0, desiredState: 'stopped', manuallyStopped: true });
    const before = e.calls.length;
    await converge(e, makeProject({ web: {} }), {});
    expect(e.calls.slice(before)).toEqual(['intent p-web-1 running', 'start p-web-1']);
  });

  it('remove-container stops a live container first (scale down: anonymous volumes go too); one already gone is no error', async () => {
    const e = new FakeEngine({ images: ['web:1'] });
    await converge(e, makeProject({ web: {} }), { scale: { web: 2 } });
    const two = e.byName('p-web-2')!.info;
    const before = e.calls.length;
    await converge(e, makeProject({ web: {} }), { scale: { web: 1 } });
    expect(e.calls.slice(before)).toEqual(['stop p-web-2', 'rm p-web-2 -v']);
    await executePlan(
      planOf([
        {
          id: 1,
          kind: 'remove-container',
          resource: 'service:web:2',
          cause: 'scale 2→1',
          after: [],
          service: 'web',
          number: 2,
          container: { containerId: two.id, name: two.name },
          removeAnonymousVolumes: false,
        },
      ]),
      { port: e },
    );
  });

  it('recreate-network: stop what runs, disconnect, remove, create, reconnect, start again', async () => {
    const e = new FakeEngine({ images: ['web:1'] });
    await converge(e, makeProject({ web: {} }), {});
    const web = e.byName('p-web-1')!.info;
    const before = e.calls.length;
    await executePlan(
      planOf([
        {
          id: 1,
          kind: 'recreate-network',
          resource: 'network:default',
          cause: 'config hash changed: ipam',
          after: [],
          network: { name: 'p_default' },
          networkId: 'n1',
          attached: [{ containerId: web.id, name: web.name, reconnect: true, restart: true }],
        },
      ]),
      { port: e },
    );
    expect(e.calls.slice(before)).toEqual([
      'stop p-web-1',
      'disconnect p-web-1 p_default',
      'network rm p_default',
      'network create p_default',
      'connect p-web-1 p_default',
      'start p-web-1',
    ]);
  });

  it('build-image fails with RECONCILE_UNSUPPORTED naming the service', async () => {
    const e = new FakeEngine();
    const err = await executePlan(
      planOf([
        {
          id: 1,
          kind: 'build-image',
          resource: 'image:p-web',
          cause: 'missing',
          after: [],
          image: 'p-web',
          service: 'web',
        },
      ]),
      { port: e },
    ).catch((x: unknown) => x);
    expect((err as ReconcileError).code).toBe('RECONCILE_UNSUPPORTED');
    expect((err as Error).message).toBe(
      'image p-web of service web: service web needs image p-web built, and building images is not supported yet',
    );
  });

  it('an action whose prerequisites are not in the plan is reported, not silently skipped', async () => {
    const e = new FakeEngine();
    const err = await executePlan(
      planOf([
        { id: 2, kind: 'remove-volume', resource: 'volume:data', cause: 'down', after: [1], name: 'p_data' },
      ]),
      { port: e },
    ).catch((x: unknown) => x);
    expect((err as Error).message).toBe('plan p: actions #2 wait for actions that are not in the plan');
  });
});
