import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNativeBinary } from '../../../src/engine/native-binary.js';
import { NetworkManager } from '../../../src/engine/network/index.js';
import { Runtime } from '../../../src/engine/runtime.js';
import { EngineLock, enginePaths } from '../../../src/engine/store/index.js';
import { runCli, type CliResult } from '../../helpers/run-cli.js';
import { FakeContainer, openTestEngine, run, type TestEngine } from './support/test-engine.js';

/**
 * `tscompose network …` as a user runs it (the built CLI, a real process), and what the next
 * command does after one was killed with SIGKILL half-way (TSCOMPOSE_TEST_FAILPOINT makes the
 * CLI kill itself at a named step, so the interruption is not left to timing).
 */
let engine: TestEngine;

function cli(args: string[], failpoint?: string): Promise<CliResult> {
  return runCli(['--root', engine.root, 'network', ...args], {
    env: failpoint ? { TSCOMPOSE_TEST_FAILPOINT: failpoint } : {},
  });
}

async function linkExists(name: string): Promise<boolean> {
  return (await run(undefined, ['ip', 'link', 'show', 'dev', name])).code === 0;
}

beforeAll(async () => {
  engine = await openTestEngine('net-cli');
});

afterAll(async () => {
  for (const n of (await engine?.manager.list()) ?? [])
    await engine.manager.remove(n.name).catch(() => undefined);
  expect(engine.leaks()).toEqual([]);
  await engine?.cleanup();
});

describe('tscompose network', () => {
  it('create prints the id; ls, inspect and rm show and remove it', async () => {
    const created = await cli(['create', '--label', 'team=a', '-o', 'mtu=1400', 'front']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const info = await engine.manager.inspect('front');
    const ls = await cli(['ls']);
    expect(ls.stdout).toBe(
      `NETWORK ID     NAME    DRIVER   SCOPE   SUBNET\n${id.slice(0, 12)}   front   bridge   local   ${info.subnet}\n`,
    );
    expect((await cli(['ls', '-q'])).stdout).toBe(`${id.slice(0, 12)}\n`);
    const json = JSON.parse((await cli(['ls', '--format', 'json'])).stdout) as {
      name: string;
      labels: object;
    };
    expect(json).toMatchObject({ name: 'front', labels: { team: 'a' } });
    expect((await cli(['ls', '--filter', 'label=team=b'])).stdout).toBe(
      'NETWORK ID   NAME   DRIVER   SCOPE   SUBNET\n',
    );
    const inspected = JSON.parse((await cli(['inspect', id.slice(0, 8)])).stdout) as {
      mtu: number;
      options: object;
    }[];
    expect(inspected[0]).toMatchObject({ mtu: 1400, options: { mtu: '1400' } });
    expect(await cli(['rm', 'front'])).toMatchObject({ code: 0, stdout: 'front\n' });
    expect(await linkExists(info.bridge)).toBe(false);
  });

  it('reports errors with their message and exit code 1', async () => {
    await cli(['create', 'dup']);
    expect(await cli(['create', 'dup'])).toMatchObject({
      code: 1,
      stderr: 'error: network with name dup already exists\n',
    });
    expect(await cli(['rm', 'nope'])).toMatchObject({
      code: 1,
      stderr: 'error: network nope not found\nhint: list networks with `tscompose network ls`\n',
    });
    expect((await cli(['create', '--ipv6', 'six'])).stderr).toBe(
      'error: network six: IPv6 is not supported yet\nhint: leave enable_ipv6 unset (networks are IPv4-only for now)\n',
    );
    expect((await cli(['create', '--subnet', '10.1.2.3/24', 'bad'])).stderr).toContain(
      'error: subnet "10.1.2.3/24": host bits are set\nhint: did you mean 10.1.2.0/24?',
    );
  });

  it('prune removes networks without containers, and only those', async () => {
    const busy = await new FakeContainer(engine, 'busy1', 'busy-1').create();
    await busy.connect('dup');
    await cli(['create', 'idle']);
    expect(await cli(['prune', '-f'])).toMatchObject({ code: 0, stdout: 'Deleted Networks:\nidle\n' });
    expect((await engine.manager.list()).map((n) => n.name)).toEqual(['dup']);
    expect(await cli(['rm', 'dup'])).toMatchObject({ code: 1 });
    await busy.remove();
    expect(await cli(['rm', 'dup'])).toMatchObject({ code: 0 });
  });
});

describe('a command killed half-way', () => {
  it.each([['network-create:recorded'], ['network-create:bridge']])(
    'create killed at %s: ls reports it, the next command completes it',
    async (failpoint) => {
      const name = `half-${failpoint.split(':')[1]}`;
      const killed = await cli(['create', name], failpoint);
      expect(killed.code).toBe(128); // killed by a signal (runCli's convention)
      expect((await cli(['ls'])).stdout).toMatch(
        new RegExp(`${name}\\s+bridge\\s+local\\s+\\S+ \\(creating, interrupted\\)`),
      );
      expect(await cli(['create', `${name}-next`])).toMatchObject({ code: 0 });
      const info = await engine.manager.inspect(name);
      expect(info.state).toBe('ready');
      expect(await linkExists(info.bridge)).toBe(true);
      expect(await engine.manager.firewall.dump()).toContain(`nw-${name}-forward-in`);
      await cli(['rm', name, `${name}-next`]);
    },
  );

  it('rm killed after recording: the next command finishes the removal', async () => {
    await cli(['create', 'going']);
    const info = await engine.manager.inspect('going');
    expect((await cli(['rm', 'going'], 'network-remove:recorded')).code).toBe(128);
    expect((await engine.manager.inspect('going')).state).toBe('removing');
    expect(await cli(['prune', '-f'])).toMatchObject({ code: 0 });
    await expect(engine.manager.inspect('going')).rejects.toThrow('network going not found');
    expect(await linkExists(info.bridge)).toBe(false);
    expect(await engine.manager.firewall.dump()).toBeUndefined();
  });

  it('connect interrupted after the veth: the next mutation rolls the endpoint back, a retry succeeds', async () => {
    await engine.manager.create({ name: 'plug' });
    const ctr = await new FakeContainer(engine, 'plug1', 'plug-1').create();
    // The same root through a second manager whose step hook "crashes" right after the veth.
    const broken = await NetworkManager.open({
      paths: enginePaths(engine.root),
      lock: new EngineLock(engine.root),
      runtime: new Runtime({ binary: findNativeBinary() }),
      onStep: (step) => {
        if (step === 'endpoint-connect:veth') throw new Error('simulated crash');
      },
    });
    await expect(
      broken.connect('plug', { containerId: 'plug1', containerName: 'plug-1', netnsPath: ctr.netnsPath }),
    ).rejects.toThrow('simulated crash');
    const half = (await engine.manager.inspect('plug')).endpoints[0]!;
    expect(half.state).toBe('attaching');
    expect(await linkExists(half.hostInterface)).toBe(true);
    const report = await engine.manager.repair();
    expect(report.actions).toEqual(['endpoint:plug1@plug rolled back']);
    expect(await linkExists(half.hostInterface)).toBe(false);
    expect((await engine.manager.inspect('plug')).endpoints).toEqual([]);
    const ep = await ctr.connect('plug');
    expect(ep.state).toBe('ready');
    await ctr.remove();
    await engine.manager.remove('plug');
  });
});
