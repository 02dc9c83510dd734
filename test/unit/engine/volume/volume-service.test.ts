import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineLock } from '../../../../src/engine/store/engine-lock.js';
import { ANONYMOUS_LABEL, matchLabels, VolumeService } from '../../../../src/engine/volume/volume-service.js';
import { assertVolumeName } from '../../../../src/engine/volume/volume-store.js';

describe('volumes (store and service, no mounts)', () => {
  let root: string;
  let usage: Map<string, string[]>;
  let service: VolumeService;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tscompose-unit-volumes-'));
    usage = new Map();
    service = new VolumeService({
      dir: join(root, 'volumes'),
      lock: new EngineLock(root),
      usage: async () => usage,
    });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('creates a volume whole, with its labels and options, and lists it', async () => {
    const v = await service.create({
      name: 'data',
      labels: { a: 'b' },
      driverOpts: { type: 'tmpfs', o: 'size=1m' },
    });
    expect(v).toMatchObject({
      name: 'data',
      driver: 'local',
      labels: { a: 'b' },
      driverOpts: { type: 'tmpfs', o: 'size=1m' },
      anonymous: false,
      usedBy: [],
    });
    expect(v.mountpoint).toBe(join(root, 'volumes', 'data', '_data'));
    expect(await service.isEmpty('data')).toBe(true);
    expect((await service.list()).map((x) => x.name)).toEqual(['data']);
    expect(await readdir(join(root, 'volumes'))).toEqual(['data']);
  });

  it('refuses a second volume of the same name unless ifMissing, which keeps the first as it is', async () => {
    await service.create({ name: 'data', labels: { v: '1' } });
    await expect(service.create({ name: 'data' })).rejects.toMatchObject({ code: 'VOLUME_EXISTS' });
    expect((await service.create({ name: 'data', labels: { v: '2' } }, { ifMissing: true })).labels).toEqual({
      v: '1',
    });
  });

  it.each([
    ['a driver', { name: 'xx', driver: 'nfs' as 'local' }, 'VOLUME_UNSUPPORTED'],
    ['an unknown option', { name: 'xx', driverOpts: { color: 'red' } }, 'VOLUME_UNSUPPORTED'],
    ['device without type', { name: 'xx', driverOpts: { device: '/dev/sda1' } }, 'VOLUME_OPTIONS_INVALID'],
    ['type without device', { name: 'xx', driverOpts: { type: 'ext4' } }, 'VOLUME_OPTIONS_INVALID'],
    ['a path as name', { name: '../x' }, 'VOLUME_NAME_INVALID'],
    ['a one-letter name', { name: 'x'.slice(0, 1) }, 'VOLUME_NAME_INVALID'],
  ])('refuses %s', async (_n, spec, code) => {
    await expect(service.create(spec)).rejects.toMatchObject({ code });
  });

  it('anonymous volumes: labelled with their container, adopted by another', async () => {
    const v = await service.createAnonymous('c1');
    expect(v.name).toMatch(/^[0-9a-f]{64}$/);
    expect(v).toMatchObject({ anonymous: true, labels: { [ANONYMOUS_LABEL]: 'c1' } });
    await service.adoptAnonymous(v.name, 'c2');
    expect((await service.inspect(v.name)).labels[ANONYMOUS_LABEL]).toBe('c2');
  });

  it('in use: refused by rm and skipped by prune; prune takes anonymous ones (all with -a)', async () => {
    await service.create({ name: 'named' });
    await service.create({ name: 'used' });
    const anon = await service.createAnonymous('gone');
    await writeFile(join(anon.mountpoint, 'f'), 'data');
    usage.set('used', ['c1']);
    await expect(service.remove('used')).rejects.toMatchObject({ code: 'VOLUME_IN_USE' });
    expect(await service.prune()).toEqual({ volumesDeleted: [anon.name], spaceReclaimed: 4 });
    expect((await service.prune({ all: true })).volumesDeleted).toEqual(['named']);
    expect((await service.list()).map((v) => v.name)).toEqual(['used']);
    await expect(service.remove('nope')).rejects.toMatchObject({ code: 'VOLUME_NOT_FOUND' });
    await service.remove('nope', { force: true });
  });

  it('sweeps what an interrupted creation left', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(root, 'volumes', '.tmp-999999-abc'), { recursive: true });
    await mkdir(join(root, 'volumes', '.trash-abc'), { recursive: true });
    await service.create({ name: 'ok' });
    expect(await readdir(join(root, 'volumes'))).toEqual(['ok']);
  });

  it.each([
    [{ a: '1' }, { a: '1' }, true],
    [{ a: '1' }, { a: undefined }, true],
    [{ a: '1' }, { a: '2' }, false],
    [{ a: '1' }, { b: undefined }, false],
    [{}, undefined, true],
  ])('label filter %j %j → %s', (labels, want, expected) => expect(matchLabels(labels, want)).toBe(expected));

  it.each([['ok'], ['a_b.c-d'], ['0name']])('accepts the name %s', (n) =>
    expect(assertVolumeName(n)).toBe(n),
  );
});
