import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { planInputs } from '../planner/plan-inputs.js';
import type { DesiredStateInputs, ImageFacts } from '../planner/types.js';
import type { Project } from '../spec/types.js';
import type { EnginePort } from './engine-port.js';
import { ReconcileError } from './errors.js';

export interface InputOptions {
  readonly signal?: AbortSignal;
  /** `--scale service=N`. */
  readonly scale?: Readonly<Record<string, number>>;
  /** tscompose's version, for the `io.tscompose.version` label. */
  readonly version?: string;
  /**
   * Digest config/secret files (default true). `down` and read-only commands need the desired
   * state only for names and order: they pass false and get a placeholder, so a deleted file
   * does not stop a teardown.
   */
  readonly digestFiles?: boolean;
  /** Look images up (default true); false: every image counts as missing. */
  readonly lookupImages?: boolean;
}

const PLACEHOLDER_DIGEST = `sha256:${'0'.repeat(64)}`;

/**
 * The I/O the planner leaves to its caller (docs/planner.md): what the image store holds for each
 * image the active services use, and the sha256 of each file behind a config or secret they use
 * (so new content recreates exactly the services that see it).
 */
export async function resolveDesiredInputs(
  project: Project,
  port: EnginePort,
  o: InputOptions = {},
): Promise<DesiredStateInputs> {
  const requests = planInputs(project);
  const signal = o.signal ? { signal: o.signal } : {};
  const images: Record<string, ImageFacts | null> = {};
  await Promise.all(
    (o.lookupImages === false ? [] : requests.images).map(async (ref) => {
      const info = await port.findImage(ref, signal);
      images[ref] = info ? { id: info.id, digest: info.digest, lastUpdated: info.lastUpdated } : null;
    }),
  );
  const configs: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  await Promise.all(
    requests.files.map(async (f) => {
      if (o.digestFiles === false) {
        (f.kind === 'config' ? configs : secrets)[f.key] = PLACEHOLDER_DIGEST;
        return;
      }
      const digest = await fileDigest(f.path, o.signal).catch((err: unknown) => {
        throw new ReconcileError(
          'RECONCILE_INPUT_FAILED',
          `${f.kind} ${f.key}: cannot read ${f.path}: ${(err as Error).message}`,
          `create the file, or change ${f.kind}s.${f.key}.file`,
          { cause: err },
        );
      });
      (f.kind === 'config' ? configs : secrets)[f.key] = digest;
    }),
  );
  return {
    images,
    contentDigests: { configs, secrets },
    ...(o.scale ? { scale: o.scale } : {}),
    ...(o.version !== undefined ? { version: o.version } : {}),
  };
}

/** `sha256:<hex>` of a file's bytes, streamed. */
export async function fileDigest(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, signal ? { signal } : {})) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
