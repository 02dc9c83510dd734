import type { Readable } from 'node:stream';
import type { Logger } from '../../../common/logger.js';
import { silentLogger } from '../../../common/logger.js';
import type { EngineConfig } from '../../engine-config.js';
import { EngineError } from '../../errors.js';
import type { ImageReference } from '../reference.js';
import { Authorizer } from './authorizer.js';
import { noCredentials, type CredentialStore, type RegistryCredentials } from './credentials.js';
import { discard, HttpTransport, readBody, type HttpResponse } from './http-transport.js';
import {
  RegistryHttpError,
  parseRegistryErrorBody,
  registryStatusError,
  unreachable,
} from './registry-errors.js';
import { resolveEndpoints, type RegistryEndpoint } from './registry-hosts.js';
import {
  DEFAULT_RETRY,
  isTransientNetworkError,
  parseRetryAfter,
  withRetry,
  type RetryPolicy,
} from './retry.js';
import { RepositoryClient } from './repository-client.js';
import { parseWwwAuthenticate } from './www-authenticate.js';

export interface RegistryClientOptions {
  readonly credentials?: CredentialStore;
  readonly config?: EngineConfig;
  readonly retry?: RetryPolicy;
  /** A connection silent for this long is dropped (and retried). Default 60 s. */
  readonly idleTimeoutMs?: number;
  readonly logger?: Logger;
  /** Clock for token expiry. */
  readonly now?: () => number;
  /** Blobs up to this size go up in one PUT; larger ones in PATCH chunks (default 64 MiB). */
  readonly chunkThresholdBytes?: number;
  /** Chunk size for chunked uploads (default 16 MiB; raised to the registry's OCI-Chunk-Min-Length). */
  readonly chunkSizeBytes?: number;
}

/** One request to a registry endpoint. */
export interface RegistryRequest {
  readonly method: string;
  /** A path under the endpoint's base (`/v2/…`) or an absolute URL (an upload Location). */
  readonly target: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | (() => Readable);
  /** Token scopes (`repository:<path>:pull`). */
  readonly scopes: readonly string[];
  readonly signal?: AbortSignal;
  /** Retry 5xx, 429 and dropped connections (default true; off for uploads that cannot be replayed). */
  readonly retry?: boolean;
  /** Follow redirects (blob downloads are redirected to CDNs). */
  readonly followRedirects?: boolean;
  /** What is requested, for errors (`manifest`, `blob`). */
  readonly what?: string;
}

const MAX_ERROR_BODY = 64 * 1024;
const MAX_REDIRECTS = 5;

/**
 * The distribution-API client: endpoints (mirrors, Docker Hub's API host, plain HTTP for loopback
 * and insecure registries), authentication, retries with backoff. `repository()` gives the
 * per-repository operations (manifests, blobs, uploads, tags).
 */
export class RegistryClient {
  readonly transport: HttpTransport;
  readonly authorizer: Authorizer;
  readonly logger: Logger;
  readonly retryPolicy: RetryPolicy;
  readonly chunkThresholdBytes: number;
  readonly chunkSizeBytes: number;
  private readonly config: EngineConfig;

  constructor(options: RegistryClientOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.transport = new HttpTransport({ idleTimeoutMs: options.idleTimeoutMs });
    this.authorizer = new Authorizer({
      credentials: options.credentials ?? noCredentials,
      transport: this.transport,
      logger: this.logger,
      now: options.now,
    });
    this.config = options.config ?? {};
    this.retryPolicy = options.retry ?? DEFAULT_RETRY;
    this.chunkThresholdBytes = options.chunkThresholdBytes ?? 64 * 1024 * 1024;
    this.chunkSizeBytes = options.chunkSizeBytes ?? 16 * 1024 * 1024;
  }

  /** Operations on one repository; `pull` tries the registry's mirrors first. */
  repository(ref: ImageReference, purpose: 'pull' | 'push'): RepositoryClient {
    return new RepositoryClient(this, ref, resolveEndpoints(ref.domain, this.config, purpose), purpose);
  }

  endpointsFor(domain: string, purpose: 'pull' | 'push'): RegistryEndpoint[] {
    return resolveEndpoints(domain, this.config, purpose);
  }

  /**
   * Checks credentials as `docker login` does: `GET /v2/`, and on a challenge, a token (Bearer,
   * no scope) or the same request with Basic. Throws REGISTRY_UNAUTHORIZED when they are refused.
   */
  async login(domain: string, creds: RegistryCredentials, signal?: AbortSignal): Promise<void> {
    const ep = resolveEndpoints(domain, this.config, 'push')[0]!;
    const url = new URL(`${ep.base}/v2/`);
    let res: HttpResponse;
    try {
      res = await this.transport.send({ method: 'GET', url, signal, insecureTls: false, ca: ep.ca });
    } catch (err) {
      throw unreachable(ep.host, err);
    }
    if (res.status === 200) {
      await discard(res);
      return;
    }
    if (res.status !== 401) {
      const body = await readBody(res, MAX_ERROR_BODY, ep.host).catch(() => undefined);
      throw registryStatusError(ep.host, res.status, parseRegistryErrorBody(body), { domain });
    }
    await discard(res);
    const challenges = parseWwwAuthenticate(res.headers['www-authenticate']);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      await this.authorizer.fetchTokenForLogin(ep, bearer, creds, signal);
      return;
    }
    if (
      !challenges.some((c) => c.scheme === 'basic') ||
      creds.username === undefined ||
      creds.password === undefined
    ) {
      throw new EngineError('REGISTRY_AUTH_FAILED', `${ep.host}: unsupported authentication challenge`);
    }
    const basic = `Basic ${Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')}`;
    const again = await this.transport.send({
      method: 'GET',
      url,
      headers: { authorization: basic },
      signal,
      ca: ep.ca,
    });
    const body = await readBody(again, MAX_ERROR_BODY, ep.host).catch(() => undefined);
    if (again.status !== 200)
      throw registryStatusError(ep.host, again.status, parseRegistryErrorBody(body), { domain });
  }

  /**
   * Sends a request with authentication and retries. Returns any answer below 500 except 401/403
   * (those and exhausted 5xx/429 become errors); connection failures become REGISTRY_UNREACHABLE.
   */
  async send(ep: RegistryEndpoint, req: RegistryRequest): Promise<HttpResponse> {
    const replayable = req.body === undefined || Buffer.isBuffer(req.body) || typeof req.body === 'function';
    const policy =
      req.retry === false || !replayable ? { ...this.retryPolicy, attempts: 1 } : this.retryPolicy;
    try {
      return await withRetry(
        async () => {
          const res = await this.sendAuthorized(ep, req);
          if (res.status >= 500 || res.status === 429) {
            const body = await readBody(res, MAX_ERROR_BODY, ep.host).catch(() => undefined);
            throw registryStatusError(ep.host, res.status, parseRegistryErrorBody(body), {
              what: req.what,
              domain: ep.credentialsKey,
              retryAfterMs: parseRetryAfter(header(res, 'retry-after')),
            });
          }
          return res;
        },
        {
          policy,
          signal: req.signal,
          isRetryable: isRetryableRegistryError,
          onRetry: (err, attempt, delayMs) =>
            this.logger.debug('retrying', { host: ep.host, attempt, delayMs, error: (err as Error).message }),
        },
      );
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason ?? err;
      if (err instanceof EngineError) throw err;
      throw unreachable(ep.host, err);
    }
  }

  private async sendAuthorized(ep: RegistryEndpoint, req: RegistryRequest): Promise<HttpResponse> {
    let auth = await this.authorizer.header(ep, req.scopes, req.signal);
    for (let attempt = 0; ; attempt++) {
      const res = await this.sendFollowing(ep, req, auth);
      if (res.status !== 401 && res.status !== 403) return res;
      const body = await readBody(res, MAX_ERROR_BODY, ep.host).catch(() => undefined);
      const parsed = parseRegistryErrorBody(body);
      if (res.status === 401 && attempt === 0) {
        const next = await this.authorizer.onUnauthorized(
          ep,
          res.headers['www-authenticate'],
          req.scopes,
          req.signal,
        );
        if (next !== undefined) {
          auth = next;
          continue;
        }
      }
      throw registryStatusError(ep.host, res.status, parsed, { what: req.what, domain: ep.credentialsKey });
    }
  }

  private async sendFollowing(
    ep: RegistryEndpoint,
    req: RegistryRequest,
    auth: string | undefined,
  ): Promise<HttpResponse> {
    const origin = new URL(ep.base).origin;
    let url =
      typeof req.target === 'string' && !/^https?:/.test(req.target)
        ? new URL(`${ep.base}${req.target}`)
        : new URL(req.target);
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { ...req.headers };
      // Credentials go only to the registry itself, never to a CDN it redirects to.
      if (auth !== undefined && url.origin === origin) headers['authorization'] = auth;
      const res = await this.transport.send({
        method: req.method,
        url,
        headers,
        body: req.body,
        signal: req.signal,
        insecureTls: false,
        ca: ep.ca,
      });
      const location = header(res, 'location');
      if (!req.followRedirects || ![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
      await discard(res);
      if (hop >= MAX_REDIRECTS) {
        throw new EngineError(
          'REGISTRY_ERROR',
          `${ep.host}: more than ${MAX_REDIRECTS} redirects for ${req.target.toString()}`,
        );
      }
      url = new URL(location, url);
    }
  }

  /** Closes pooled connections. */
  close(): void {
    this.transport.close();
  }
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isRetryableRegistryError(err: unknown): boolean {
  if (err instanceof RegistryHttpError)
    return (err.status >= 500 && err.status !== 501 && err.status !== 505) || err.status === 429;
  if (err instanceof EngineError) return false;
  return isTransientNetworkError(err);
}
