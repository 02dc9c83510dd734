import { realpath } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { Engine, type ContainerSpec } from '../../../../src/engine/index.js';
import { hostNamesFor } from '../../../../src/engine/network/index.js';
import { addImageToEngine, buildBusyboxImage, type LayerSpec } from '../../../fixtures/busybox-image.js';
import { makeEngineRoot } from '../../../helpers/engine-root.js';
import { hostLeaks } from '../../../helpers/host-leaks.js';
import { waitFor } from '../../../helpers/wait-for.js';

/** The busybox image every container test runs (`sh` as its command). */
export const IMAGE = 'busybox:test';

/** A container of the test image running `command`, without a network unless `over` says so. */
export function containerSpec(
  name: string,
  command: string[],
  over: Partial<ContainerSpec> = {},
): ContainerSpec {
  return {
    name,
    image: IMAGE,
    entrypoint: null,
    command,
    env: {},
    labels: {},
    mounts: [],
    network: { mode: 'none' },
    ports: [],
    ...over,
  };
}

/**
 * A temporary engine root with the busybox test image, for one test file. `leaks()` lists what
 * host-leaks finds of this root (mounts under it, its cgroups, links, netns, nft table, shims);
 * `cleanup()` removes every container, network and volume, then the root.
 */
export interface TestEngine {
  readonly root: string;
  readonly engine: Engine;
  readonly warnings: string[];
  /** Markers of this root's host objects. */
  readonly markers: readonly string[];
  leaks(): string[];
  cleanup(): Promise<void>;
}

export async function openTestEngine(
  label: string,
  o: { extraLayers?: readonly LayerSpec[]; imageConfig?: Record<string, unknown>; backoffMs?: number } = {},
): Promise<TestEngine> {
  const made = await makeEngineRoot(label);
  const engine = await Engine.open({ root: made.root });
  const warnings: string[] = [];
  engine.configureContainers({
    onWarning: (m) => warnings.push(m),
    ...(o.backoffMs !== undefined ? { backoff: { initialMs: o.backoffMs } } : {}),
  });
  const image = await buildBusyboxImage({
    ...(o.extraLayers ? { extraLayers: o.extraLayers } : {}),
    ...(o.imageConfig ? { config: o.imageConfig } : {}),
  });
  await addImageToEngine(engine, image, IMAGE);
  const names = hostNamesFor(await realpath(made.root));
  const markers = [made.root, names.linkPrefix, names.table, `tscompose-${names.rootTag}-`];
  return {
    root: made.root,
    engine,
    warnings,
    markers,
    leaks: () => [...new Set(markers.flatMap((m) => hostLeaks(m)))],
    cleanup: async () => {
      for (const c of await engine.containers.list().catch(() => [])) {
        await engine.containers.remove(c.id, { force: true, volumes: true }).catch(() => undefined);
      }
      await engine.containers.repair().catch(() => undefined);
      const net = await engine.networks();
      for (const n of await net.list()) await net.remove(n.name).catch(() => undefined);
      for (const v of await engine.volumes.list()) await engine.volumes.remove(v.name).catch(() => undefined);
      engine.close();
      await made.cleanup();
    },
  };
}

/** Captured stdio for exec/run. */
export function captureStdio(input?: string): {
  stdio: { stdin?: PassThrough; stdout: PassThrough; stderr: PassThrough };
  out: () => string;
  err: () => string;
} {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  let stdin: PassThrough | undefined;
  if (input !== undefined) {
    stdin = new PassThrough();
    stdin.end(input);
  }
  return { stdio: { ...(stdin ? { stdin } : {}), stdout, stderr }, out: () => out, err: () => err };
}

export { waitFor };
