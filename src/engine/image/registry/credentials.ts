import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { EngineError } from '../../errors.js';
import { writeFileAtomic } from '../../store/atomic-write.js';
import { DOCKER_HUB_DOMAIN } from '../reference.js';

/** What we can present to a registry. */
export interface RegistryCredentials {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (`identitytoken` in Docker's config): used with grant_type=refresh_token. */
  readonly identityToken?: string;
}

/** Where credentials come from; the engine asks by registry domain (`docker.io`, `host:5000`). */
export interface CredentialStore {
  get(domain: string): Promise<RegistryCredentials | undefined>;
}

export const noCredentials: CredentialStore = { get: () => Promise.resolve(undefined) };

/** The key Docker uses for Docker Hub in `auths` (a URL, for historical reasons). */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [other: string]: unknown;
}

/** `auths` keys may be URLs (`https://host/v1/`) or bare hosts: compare by host[:port]. */
export function authKeyHost(key: string): string {
  let k = key.trim();
  k = k.replace(/^[a-z]+:\/\//i, '');
  const slash = k.indexOf('/');
  if (slash >= 0) k = k.slice(0, slash);
  k = k.toLowerCase();
  if (k === 'index.docker.io' || k === 'registry-1.docker.io' || k === 'registry.hub.docker.com')
    return DOCKER_HUB_DOMAIN;
  return k;
}

/** The key `login` writes for a server, as Docker writes it. */
export function authKeyFor(server: string): string {
  const host = authKeyHost(server);
  return host === DOCKER_HUB_DOMAIN ? DOCKER_HUB_AUTH_KEY : host;
}

/**
 * Credentials in Docker's client config (`~/.docker/config.json`, or `$DOCKER_CONFIG/config.json`;
 * the CLI resolves the path). Reads `auths[*].auth` (base64 `user:password`), `username`/`password`
 * and `identitytoken`; writes the same shape on login, keeping every other field of the file.
 * Credential helpers (`credsStore`, `credHelpers`) are external programs and are not run: an entry
 * that only a helper holds reads as "no credentials" (docs/images.md).
 */
export class DockerConfigCredentials implements CredentialStore {
  constructor(readonly path: string) {}

  private async readConfig(): Promise<DockerConfigFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      return parsed as DockerConfigFile;
    } catch (err) {
      throw new EngineError(
        'REGISTRY_CONFIG_INVALID',
        `${this.path}: not a valid Docker client config (${(err as Error).message})`,
        'fix or remove the file',
        { cause: err },
      );
    }
  }

  async get(domain: string): Promise<RegistryCredentials | undefined> {
    const config = await this.readConfig();
    const want = authKeyHost(domain);
    for (const [key, entry] of Object.entries(config.auths ?? {})) {
      if (authKeyHost(key) !== want || typeof entry !== 'object' || entry === null) continue;
      if (entry.identitytoken)
        return {
          identityToken: entry.identitytoken,
          ...(entry.username ? { username: entry.username } : {}),
        };
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0) {
          throw new EngineError(
            'REGISTRY_CONFIG_INVALID',
            `${this.path}: auths["${key}"].auth is not base64 of user:password`,
          );
        }
        return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      }
      if (entry.username !== undefined && entry.password !== undefined)
        return { username: entry.username, password: entry.password };
    }
    return undefined;
  }

  /** Stores `user:password` for `server` (base64 in `auths`, mode 0600), keeping the rest of the file. */
  async store(server: string, username: string, password: string): Promise<string> {
    const config = await this.readConfig();
    const key = authKeyFor(server);
    const auths = { ...(config.auths ?? {}) };
    for (const k of Object.keys(auths)) if (authKeyHost(k) === authKeyHost(server)) delete auths[k];
    auths[key] = { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') };
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, `${JSON.stringify({ ...config, auths }, null, '\t')}\n`, {
      mode: 0o600,
    });
    return key;
  }

  /** Removes every entry for `server`; false when there was none. */
  async remove(server: string): Promise<boolean> {
    const config = await this.readConfig();
    const auths = { ...(config.auths ?? {}) };
    const keys = Object.keys(auths).filter((k) => authKeyHost(k) === authKeyHost(server));
    if (keys.length === 0) return false;
    for (const k of keys) delete auths[k];
    await writeFileAtomic(this.path, `${JSON.stringify({ ...config, auths }, null, '\t')}\n`, {
      mode: 0o600,
    });
    return true;
  }
}
