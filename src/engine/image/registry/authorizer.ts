import type { Logger } from '../../../common/logger.js';
import { silentLogger } from '../../../common/logger.js';
import { EngineError } from '../../errors.js';
import type { CredentialStore, RegistryCredentials } from './credentials.js';
import { discard, readBody, type HttpTransport } from './http-transport.js';
import { describeStatus, parseRegistryErrorBody } from './registry-errors.js';
import type { RegistryEndpoint } from './registry-hosts.js';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.js';

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** Token responses are small; anything big is not a token service. */
const MAX_TOKEN_RESPONSE = 1024 * 1024;
/** The token spec's default lifetime when `expires_in` is absent. */
const DEFAULT_TOKEN_SECONDS = 60;

export interface AuthorizerOptions {
  readonly credentials: CredentialStore;
  readonly transport: HttpTransport;
  readonly logger?: Logger;
  /** Milliseconds since the epoch (tests move it forward to expire tokens). */
  readonly now?: () => number;
}

/**
 * Answers registry challenges (distribution `spec/auth/token.md`; containerd `authorizer.go`).
 * Per endpoint it remembers the last challenge, so later requests carry credentials without a
 * 401 round trip. Bearer: tokens are cached per realm, service and scope set until shortly before
 * they expire; with a password or identity token it first tries the OAuth2 POST form
 * (grant_type=password|refresh_token) and falls back to the GET form on 400/401/404/405;
 * anonymous requests use GET. A refresh token the service returns is reused for later scopes.
 * Basic: answered directly from the stored credentials.
 */
export class Authorizer {
  private readonly challenges = new Map<string, AuthChallenge>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(private readonly options: AuthorizerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /** The Authorization header for a request, when the endpoint challenged before. */
  async header(
    ep: RegistryEndpoint,
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const challenge = this.challenges.get(ep.base);
    if (!challenge) return undefined;
    return this.answer(ep, challenge, scopes, false, signal);
  }

  /**
   * Records the challenge of a 401 and returns the header to retry with (fetching a fresh token),
   * or undefined when there is nothing new to try (no credentials for Basic, unknown scheme).
   */
  async onUnauthorized(
    ep: RegistryEndpoint,
    wwwAuthenticate: string | string[] | undefined,
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const all = parseWwwAuthenticate(wwwAuthenticate);
    const challenge = all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
    if (!challenge) return undefined;
    this.challenges.set(ep.base, challenge);
    return this.answer(ep, challenge, scopes, true, signal);
  }

  private async answer(
    ep: RegistryEndpoint,
    challenge: AuthChallenge,
    scopes: readonly string[],
    fresh: boolean,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const creds = await this.options.credentials.get(ep.credentialsKey);
    if (challenge.scheme === 'basic') {
      if (!creds?.username || creds.password === undefined) return undefined;
      return `Basic ${Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')}`;
    }
    const realm = challenge.params['realm'];
    if (!realm) return undefined;
    const service = challenge.params['service'] ?? '';
    // A challenge may name the scope it wants (Docker Hub does; insufficient_scope always does).
    const all = [...new Set([...scopes, ...splitScopes(challenge.params['scope'])])].sort();
    const key = `${realm}|${service}|${all.join(' ')}|${creds?.username ?? ''}`;
    const cached = this.tokens.get(key);
    if (!fresh && cached && cached.expiresAt > this.now()) return `Bearer ${cached.token}`;
    const token = await this.fetchToken(ep, realm, service, all, creds, signal);
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }

  /** Checks credentials the way `docker login` does: a token for no scope, or Basic accepted. */
  async fetchTokenForLogin(
    ep: RegistryEndpoint,
    challenge: AuthChallenge,
    creds: RegistryCredentials,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.fetchToken(
      ep,
      challenge.params['realm'] ?? '',
      challenge.params['service'] ?? '',
      [],
      creds,
      signal,
    );
  }

  private async fetchToken(
    ep: RegistryEndpoint,
    realm: string,
    service: string,
    scopes: readonly string[],
    creds: RegistryCredentials | undefined,
    signal?: AbortSignal,
  ): Promise<CachedToken> {
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
      if (realmUrl.protocol !== 'https:' && realmUrl.protocol !== 'http:') throw new Error('not http(s)');
    } catch {
      throw new EngineError(
        'REGISTRY_AUTH_FAILED',
        `${ep.host}: the token realm "${realm}" is not an http(s) URL`,
      );
    }
    const refreshKey = `${realm}|${service}|${creds?.username ?? ''}`;
    const refresh = creds?.identityToken ?? this.refreshTokens.get(refreshKey);
    const hasPassword = creds?.username !== undefined && creds.password !== undefined;
    if (refresh !== undefined || hasPassword) {
      const form = new URLSearchParams({ client_id: 'tscompose', service });
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      if (refresh !== undefined) {
        form.set('grant_type', 'refresh_token');
        form.set('refresh_token', refresh);
      } else {
        form.set('grant_type', 'password');
        form.set('username', creds!.username!);
        form.set('password', creds!.password!);
        form.set('access_type', 'offline');
      }
      const res = await this.options.transport.send({
        method: 'POST',
        url: realmUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: Buffer.from(form.toString()),
        signal,
      });
      if (res.status === 200) return this.parseTokenResponse(ep, res, refreshKey);
      const fallback = hasPassword && [400, 401, 404, 405].includes(res.status);
      this.logger.debug('oauth token POST failed', { status: res.status, fallback });
      if (!fallback) return this.tokenError(ep, res);
      await discard(res);
    }
    const url = new URL(realmUrl);
    if (service) url.searchParams.set('service', service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    if (hasPassword) {
      url.searchParams.set('account', creds!.username!);
      url.searchParams.set('offline_token', 'true');
      url.searchParams.set('client_id', 'tscompose');
      headers['authorization'] =
        `Basic ${Buffer.from(`${creds!.username}:${creds!.password}`, 'utf8').toString('base64')}`;
    }
    const res = await this.options.transport.send({ method: 'GET', url, headers, signal });
    if (res.status !== 200) return this.tokenError(ep, res);
    return this.parseTokenResponse(ep, res, refreshKey);
  }

  private async parseTokenResponse(
    ep: RegistryEndpoint,
    res: Awaited<ReturnType<HttpTransport['send']>>,
    refreshKey: string,
  ): Promise<CachedToken> {
    const body = await readBody(res, MAX_TOKEN_RESPONSE, `${ep.host}: token response`);
    let parsed: {
      token?: string;
      access_token?: string;
      expires_in?: number;
      issued_at?: string;
      refresh_token?: string;
    };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new EngineError(
        'REGISTRY_AUTH_FAILED',
        `${ep.host}: the token service answered with something that is not JSON`,
      );
    }
    const token = parsed.token || parsed.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new EngineError('REGISTRY_AUTH_FAILED', `${ep.host}: the token service answered without a token`);
    }
    if (typeof parsed.refresh_token === 'string' && parsed.refresh_token !== '') {
      this.refreshTokens.set(refreshKey, parsed.refresh_token);
    }
    const seconds =
      typeof parsed.expires_in === 'number' && parsed.expires_in > 0
        ? parsed.expires_in
        : DEFAULT_TOKEN_SECONDS;
    // Measured from our own clock (issued_at is the server's); renew a little early.
    const lifetimeMs = seconds * 1000;
    const expiresAt = this.now() + lifetimeMs - Math.min(10_000, lifetimeMs / 10);
    return { token, expiresAt };
  }

  private async tokenError(
    ep: RegistryEndpoint,
    res: Awaited<ReturnType<HttpTransport['send']>>,
  ): Promise<never> {
    const body = await readBody(res, MAX_TOKEN_RESPONSE, `${ep.host}: token response`).catch(() => undefined);
    const parsed = parseRegistryErrorBody(body);
    const message = describeStatus(ep.host, res.status, parsed);
    if (res.status === 401 || res.status === 403) {
      throw new EngineError(
        'REGISTRY_UNAUTHORIZED',
        `${message} (token service ${res.url.host})`,
        `check your credentials: \`tscompose login ${ep.credentialsKey}\``,
      );
    }
    throw new EngineError('REGISTRY_AUTH_FAILED', `${message} (token service ${res.url.host})`);
  }
}

function splitScopes(scope: string | undefined): string[] {
  return scope ? scope.split(' ').filter((s) => s !== '') : [];
}
