import type { Readable } from 'node:stream';
import { EngineError } from '../../errors.js';
import { sha256Digest } from '../digest.js';
import { MANIFEST_ACCEPT } from '../media-types.js';
import { MAX_MANIFEST_BYTES, parseManifest, type Descriptor, type ParsedManifest } from '../manifest.js';
import { repositoryName, type ImageReference } from '../reference.js';
import { BodyTooLargeError, discard, readBody, type HttpResponse } from './http-transport.js';
import type { RegistryClient, RegistryRequest } from './registry-client.js';
import { header } from './registry-client.js';
import { parseRegistryErrorBody, registryStatusError } from './registry-errors.js';
import type { RegistryEndpoint } from './registry-hosts.js';
import { uploadBlob, type UploadSource } from './blob-upload.js';

/** A manifest as received: its exact bytes (never re-serialized), their digest, and the parse. */
export interface FetchedManifest {
  readonly bytes: Buffer;
  readonly digest: string;
  readonly mediaType: string;
  readonly parsed: ParsedManifest;
  readonly endpoint: RegistryEndpoint;
}

/**
 * The distribution API for one repository (distribution-spec `spec.md`): manifests by tag or
 * digest, blobs, uploads, tags. Pulls walk the endpoints in order (mirrors, then the registry);
 * a failing mirror is skipped for the rest of this client's life.
 */
export class RepositoryClient {
  readonly name: string;
  private readonly skipped = new Set<string>();

  constructor(
    readonly client: RegistryClient,
    readonly ref: ImageReference,
    readonly endpoints: readonly RegistryEndpoint[],
    readonly purpose: 'pull' | 'push',
  ) {
    this.name = repositoryName(ref);
  }

  /** The registry host that answers (the last endpoint: the registry itself), for messages. */
  get host(): string {
    return this.endpoints[this.endpoints.length - 1]!.host;
  }

  scopes(extraPullFrom: readonly string[] = []): string[] {
    const own = `repository:${this.ref.path}:${this.purpose === 'push' ? 'pull,push' : 'pull'}`;
    return [own, ...extraPullFrom.map((p) => `repository:${p}:pull`)];
  }

  private async onEndpoints<T>(fn: (ep: RegistryEndpoint) => Promise<T>): Promise<T> {
    const candidates = this.endpoints.filter((e) => !this.skipped.has(e.base));
    let lastError: unknown;
    for (const ep of candidates) {
      try {
        return await fn(ep);
      } catch (err) {
        if (!ep.isMirror || (err instanceof Error && err.name === 'AbortError')) throw err;
        this.client.logger.debug('mirror failed, trying the next endpoint', {
          mirror: ep.base,
          error: (err as Error).message,
        });
        this.skipped.add(ep.base);
        lastError = err;
      }
    }
    throw lastError ?? new EngineError('REGISTRY_UNREACHABLE', `${this.host}: no endpoint left to try`);
  }

  private send(
    ep: RegistryEndpoint,
    req: Omit<RegistryRequest, 'scopes'> & { scopes?: readonly string[] },
  ): Promise<HttpResponse> {
    return this.client.send(ep, { ...req, scopes: req.scopes ?? this.scopes() });
  }

  private path(kind: 'manifests' | 'blobs' | 'tags', ref?: string): string {
    return `/v2/${this.ref.path}/${kind}${ref !== undefined ? `/${ref}` : ''}`;
  }

  private async failOn(ep: RegistryEndpoint, res: HttpResponse, what: string): Promise<never> {
    const body = await readBody(res, 64 * 1024, ep.host).catch(() => undefined);
    throw registryStatusError(ep.host, res.status, parseRegistryErrorBody(body), {
      what,
      domain: this.ref.domain,
    });
  }

  /**
   * GETs a manifest (or index) by tag or digest with every supported type in `Accept`, reads at
   * most 4 MiB, and verifies: a digest reference must match the bytes; a `Docker-Content-Digest`
   * header, when sent, must match too; `mediaType` must agree with `Content-Type`.
   */
  async getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    return this.onEndpoints(async (ep) => {
      const res = await this.send(ep, {
        method: 'GET',
        target: this.path('manifests', reference),
        headers: { accept: MANIFEST_ACCEPT.join(', ') },
        signal,
        what: 'manifest',
      });
      if (res.status !== 200) return this.failOn(ep, res, 'manifest');
      let bytes: Buffer;
      try {
        bytes = await readBody(res, MAX_MANIFEST_BYTES, `${ep.host}: manifest ${this.name}:${reference}`);
      } catch (err) {
        if (err instanceof BodyTooLargeError) throw new EngineError('IMAGE_MANIFEST_TOO_LARGE', err.message);
        throw err;
      }
      const digest = sha256Digest(bytes);
      const where = `${ep.host}: manifest ${this.name}${reference.includes(':') ? '@' : ':'}${reference}`;
      if (reference.includes(':') && reference !== digest) {
        throw new EngineError(
          'MANIFEST_DIGEST_MISMATCH',
          `${where}: content digest ${digest} does not match the requested digest`,
          'the registry served different content than asked for; nothing was stored',
        );
      }
      const claimed = header(res, 'docker-content-digest');
      if (claimed !== undefined && claimed.startsWith('sha256:') && claimed !== digest) {
        throw new EngineError(
          'MANIFEST_DIGEST_MISMATCH',
          `${where}: Docker-Content-Digest ${claimed} does not match the content (${digest})`,
        );
      }
      const parsed = parseManifest(bytes, header(res, 'content-type'), where);
      return { bytes, digest, mediaType: parsed.mediaType, parsed, endpoint: ep };
    });
  }

  /** HEADs a manifest: its digest and type without counting as a pull on Docker Hub. */
  async headManifest(
    reference: string,
    signal?: AbortSignal,
  ): Promise<{ digest: string; size: number; mediaType: string } | undefined> {
    return this.onEndpoints(async (ep) => {
      const res = await this.send(ep, {
        method: 'HEAD',
        target: this.path('manifests', reference),
        headers: { accept: MANIFEST_ACCEPT.join(', ') },
        signal,
        what: 'manifest',
      });
      await discard(res);
      if (res.status === 404) return undefined;
      if (res.status !== 200) return this.failOn(ep, res, 'manifest');
      const digest = header(res, 'docker-content-digest');
      if (!digest) return undefined;
      return {
        digest,
        size: Number(header(res, 'content-length') ?? 0),
        mediaType: (header(res, 'content-type') ?? '').split(';')[0]!.trim(),
      };
    });
  }

  /**
   * Opens a blob for reading (redirects followed, credentials not forwarded off-host). The caller
   * verifies size and digest while storing; a declared Content-Length different from the
   * descriptor's size is refused before any byte is read.
   */
  async openBlob(desc: Descriptor, signal?: AbortSignal): Promise<Readable> {
    return this.onEndpoints(async (ep) => {
      const res = await this.send(ep, {
        method: 'GET',
        target: this.path('blobs', desc.digest),
        signal,
        followRedirects: true,
        what: 'blob',
      });
      if (res.status !== 200) return this.failOn(ep, res, 'blob');
      const length = header(res, 'content-length');
      if (length !== undefined && Number(length) !== desc.size) {
        res.body.destroy();
        throw new EngineError(
          'BLOB_SIZE_MISMATCH',
          `${ep.host}: blob ${desc.digest} of ${this.name}: ${length} bytes announced, the manifest says ${desc.size}`,
        );
      }
      return res.body;
    });
  }

  /** Size of a blob in the repository, or undefined when it is not there. */
  async statBlob(digest: string, signal?: AbortSignal): Promise<number | undefined> {
    const ep = this.endpoints[this.endpoints.length - 1]!;
    const res = await this.send(ep, {
      method: 'HEAD',
      target: this.path('blobs', digest),
      signal,
      followRedirects: true,
      what: 'blob',
    });
    await discard(res);
    if (res.status === 404) return undefined;
    if (res.status !== 200) return this.failOn(ep, res, 'blob');
    return Number(header(res, 'content-length') ?? 0);
  }

  /**
   * Pushes a blob unless the repository has it: HEAD → skip; a cross-repository mount from
   * `mountFrom` (same registry) when offered; else an upload (one PUT, or PATCH chunks for big
   * blobs). Returns how it got there.
   */
  async pushBlob(
    desc: Descriptor,
    source: UploadSource,
    options: { mountFrom?: readonly string[]; signal?: AbortSignal; onBytes?: (n: number) => void } = {},
  ): Promise<'exists' | 'mounted' | 'uploaded'> {
    if ((await this.statBlob(desc.digest, options.signal)) !== undefined) return 'exists';
    const ep = this.endpoints[this.endpoints.length - 1]!;
    return uploadBlob(this.client, ep, this, desc, source, options);
  }

  /** PUTs a manifest under a tag or digest; returns the digest the registry confirms. */
  async putManifest(
    reference: string,
    bytes: Buffer,
    mediaType: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const ep = this.endpoints[this.endpoints.length - 1]!;
    const digest = sha256Digest(bytes);
    const res = await this.send(ep, {
      method: 'PUT',
      target: this.path('manifests', reference),
      headers: { 'content-type': mediaType },
      body: bytes,
      signal,
      what: 'manifest',
    });
    if (res.status !== 201 && res.status !== 200) return this.failOn(ep, res, 'manifest');
    await discard(res);
    const confirmed = header(res, 'docker-content-digest');
    if (confirmed !== undefined && confirmed !== digest) {
      throw new EngineError(
        'MANIFEST_DIGEST_MISMATCH',
        `${ep.host}: the registry stored manifest ${this.name}:${reference} as ${confirmed}, we sent ${digest}`,
      );
    }
    return digest;
  }

  /** All tags (following `Link: <…>; rel="next"` pages). */
  async listTags(signal?: AbortSignal): Promise<string[]> {
    const ep = this.endpoints[this.endpoints.length - 1]!;
    const tags: string[] = [];
    let target: string | URL = `${this.path('tags')}/list`;
    for (let page = 0; page < 1000; page++) {
      const res = await this.send(ep, { method: 'GET', target, signal, what: 'tags' });
      if (res.status !== 200) return this.failOn(ep, res, 'tags');
      const body = JSON.parse((await readBody(res, MAX_MANIFEST_BYTES, ep.host)).toString('utf8')) as {
        tags?: string[] | null;
      };
      tags.push(...(body.tags ?? []));
      const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(header(res, 'link') ?? '');
      if (!link) break;
      target = new URL(link[1]!, `${ep.base}/`);
    }
    return tags;
  }

  /** Low-level send for the upload module. */
  sendRaw(
    ep: RegistryEndpoint,
    req: Omit<RegistryRequest, 'scopes'> & { scopes?: readonly string[] },
  ): Promise<HttpResponse> {
    return this.send(ep, req);
  }

  failWith(ep: RegistryEndpoint, res: HttpResponse, what: string): Promise<never> {
    return this.failOn(ep, res, what);
  }
}
