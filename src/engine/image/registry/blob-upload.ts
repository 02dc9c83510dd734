import { Transform, type Readable } from 'node:stream';
import { EngineError } from '../../errors.js';
import type { Descriptor } from '../manifest.js';
import { discard, type HttpResponse } from './http-transport.js';
import type { RegistryClient } from './registry-client.js';
import { header } from './registry-client.js';
import type { RegistryEndpoint } from './registry-hosts.js';
import type { RepositoryClient } from './repository-client.js';
import { isTransientNetworkError, withRetry } from './retry.js';
import { RegistryHttpError } from './registry-errors.js';

/** Opens the blob's bytes from `start` to `end` inclusive (or to its end): uploads restart and chunk. */
export type UploadSource = (start: number, end?: number) => Promise<Readable>;

interface UploadOptions {
  readonly mountFrom?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onBytes?: (n: number) => void;
}

/**
 * Uploads one blob (distribution-spec "Push"): `POST …/uploads/` (with `?mount=&from=` first
 * when a source repository on this registry is known: 201 = mounted, 202 = a session anyway),
 * then one `PUT ?digest=` for blobs up to the chunk threshold, else `PATCH` chunks with
 * `Content-Range` (in order, no smaller than `OCI-Chunk-Min-Length`; a 416 asks the session
 * for its offset and resumes) and a closing `PUT ?digest=`. Every step follows the latest
 * `Location`. A failed attempt cancels its session (DELETE) and starts over, with backoff.
 */
export async function uploadBlob(
  client: RegistryClient,
  ep: RegistryEndpoint,
  repo: RepositoryClient,
  desc: Descriptor,
  source: UploadSource,
  options: UploadOptions,
): Promise<'mounted' | 'uploaded'> {
  const mountFrom = (options.mountFrom ?? []).filter((r) => r !== repo.ref.path);
  return withRetry(
    async (attempt) => {
      const from = attempt === 1 ? mountFrom[0] : undefined;
      const session = await startSession(client, ep, repo, desc, from, options.signal);
      if (session === 'mounted') return 'mounted';
      try {
        if (desc.size <= client.chunkThresholdBytes) await putWhole(ep, repo, desc, source, session, options);
        else await putChunked(client, ep, repo, desc, source, session, options);
        return 'uploaded';
      } catch (err) {
        await cancel(ep, repo, session.location).catch(() => undefined);
        throw err;
      }
    },
    {
      policy: client.retryPolicy,
      signal: options.signal,
      isRetryable: (err) =>
        err instanceof RegistryHttpError
          ? err.status >= 500 || err.status === 429
          : !(err instanceof EngineError) && isTransientNetworkError(err),
      onRetry: (err, attempt) =>
        client.logger.debug('upload retry', { digest: desc.digest, attempt, error: (err as Error).message }),
    },
  );
}

interface Session {
  location: URL;
  minChunk: number;
}

async function startSession(
  client: RegistryClient,
  ep: RegistryEndpoint,
  repo: RepositoryClient,
  desc: Descriptor,
  mountFrom: string | undefined,
  signal?: AbortSignal,
): Promise<Session | 'mounted'> {
  const query = mountFrom
    ? `?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(mountFrom)}`
    : '';
  const res = await repo.sendRaw(ep, {
    method: 'POST',
    target: `/v2/${repo.ref.path}/blobs/uploads/${query}`,
    headers: { 'content-length': '0' },
    body: Buffer.alloc(0),
    scopes: repo.scopes(mountFrom ? [mountFrom] : []),
    signal,
    what: 'blob upload',
  });
  if (res.status === 201 && mountFrom) {
    await discard(res);
    client.logger.debug('blob mounted', { digest: desc.digest, from: mountFrom });
    return 'mounted';
  }
  if (res.status !== 202) return repo.failWith(ep, res, 'blob upload');
  await discard(res);
  return {
    location: nextLocation(ep, res, res.url),
    minChunk: Number(header(res, 'oci-chunk-min-length') ?? 0) || 0,
  };
}

function nextLocation(ep: RegistryEndpoint, res: HttpResponse, base: URL): URL {
  const loc = header(res, 'location');
  if (!loc) throw new EngineError('REGISTRY_ERROR', `${ep.host}: upload answer without a Location header`);
  return new URL(loc, base);
}

function withDigest(location: URL, digest: string): URL {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url;
}

function counted(stream: Readable, onBytes?: (n: number) => void): Readable {
  if (!onBytes) return stream;
  let n = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      onBytes(n);
      cb(null, chunk);
    },
  });
  stream.on('error', (err) => t.destroy(err));
  return stream.pipe(t);
}

async function putWhole(
  ep: RegistryEndpoint,
  repo: RepositoryClient,
  desc: Descriptor,
  source: UploadSource,
  session: Session,
  options: UploadOptions,
): Promise<void> {
  const body = counted(await source(0), options.onBytes);
  const res = await repo.sendRaw(ep, {
    method: 'PUT',
    target: withDigest(session.location, desc.digest),
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
    body: () => body,
    retry: false,
    signal: options.signal,
    what: 'blob upload',
  });
  if (res.status !== 201) return repo.failWith(ep, res, 'blob upload');
  await discard(res);
}

async function putChunked(
  client: RegistryClient,
  ep: RegistryEndpoint,
  repo: RepositoryClient,
  desc: Descriptor,
  source: UploadSource,
  session: Session,
  options: UploadOptions,
): Promise<void> {
  const chunk = Math.max(client.chunkSizeBytes, session.minChunk);
  let location = session.location;
  let offset = 0;
  let resyncs = 0;
  while (offset < desc.size) {
    const end = Math.min(desc.size, offset + chunk) - 1;
    const base = offset;
    const body = counted(
      await source(offset, end),
      options.onBytes ? (n) => options.onBytes!(base + n) : undefined,
    );
    const res = await repo.sendRaw(ep, {
      method: 'PATCH',
      target: location,
      headers: {
        'content-type': 'application/octet-stream',
        'content-range': `${offset}-${end}`,
        'content-length': String(end - offset + 1),
      },
      body: () => body,
      retry: false,
      signal: options.signal,
      what: 'blob upload',
    });
    if (res.status === 416 && resyncs < 3) {
      // Out of order (a lost answer?): ask the session where it stands and go on from there.
      await discard(res);
      resyncs += 1;
      const status = await repo.sendRaw(ep, {
        method: 'GET',
        target: location,
        signal: options.signal,
        what: 'blob upload',
      });
      if (status.status !== 204) return repo.failWith(ep, status, 'blob upload');
      await discard(status);
      location = nextLocation(ep, status, location);
      offset = rangeEnd(header(status, 'range')) + 1;
      continue;
    }
    if (res.status !== 202) return repo.failWith(ep, res, 'blob upload');
    await discard(res);
    location = nextLocation(ep, res, location);
    // 202 means the chunk was taken in order (else 416); its Range is ambiguous for 1 byte.
    offset = end + 1;
  }
  const res = await repo.sendRaw(ep, {
    method: 'PUT',
    target: withDigest(location, desc.digest),
    headers: { 'content-length': '0' },
    body: Buffer.alloc(0),
    retry: false,
    signal: options.signal,
    what: 'blob upload',
  });
  if (res.status !== 201) return repo.failWith(ep, res, 'blob upload');
  await discard(res);
}

/** `0-1234` (or `bytes=0-1234`) → 1234; an empty session answers `0-0` with nothing stored: -1. */
export function rangeEnd(range: string | undefined): number {
  const m = /(\d+)-(\d+)/.exec(range ?? '');
  if (!m) return -1;
  const start = Number(m[1]);
  const end = Number(m[2]);
  return start === 0 && end === 0 ? -1 : end;
}

async function cancel(ep: RegistryEndpoint, repo: RepositoryClient, location: URL): Promise<void> {
  const res = await repo.sendRaw(ep, {
    method: 'DELETE',
    target: location,
    retry: false,
    what: 'blob upload',
  });
  await discard(res);
}
