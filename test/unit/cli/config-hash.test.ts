import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/run-cli.js';

const STACK = `name: p
services:
  api:
    image: api:1
    environment: { A: '1' }
    configs: [settings]
  web:
    image: web:1
configs:
  settings:
    file: ./settings.conf
`;

describe('config --hash', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscompose-unit-hash-'));
    await writeFile(join(dir, 'compose.yaml'), STACK);
    await writeFile(join(dir, 'settings.conf'), 'mode=a\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const hashes = async (selection: string): Promise<Record<string, string>> => {
    const r = await runCliInProcess(['config', '--hash', selection], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    return Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
  };

  it('prints `service hash` for the services asked for, "*" for all', async () => {
    const all = await hashes('*');
    expect(Object.keys(all)).toEqual(['api', 'web']);
    for (const h of Object.values(all)) expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashes('web')).toEqual({ web: all['web'] });
  });

  it('new content of a config file changes the hash of its users only', async () => {
    const before = await hashes('*');
    await writeFile(join(dir, 'settings.conf'), 'mode=b\n');
    const after = await hashes('*');
    expect(after['api']).not.toBe(before['api']);
    expect(after['web']).toBe(before['web']);
  });

  it('an unknown service is a usage error', async () => {
    const r = await runCliInProcess(['config', '--hash', 'nope'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--hash: no such service: nope/);
  });
});
