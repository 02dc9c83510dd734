import { readFileSync } from 'node:fs';
import type { EngineConfig, RegistryConfig } from '../../engine-config.js';
import { EngineError } from '../../errors.js';
import { DOCKER_HUB_DOMAIN } from '../reference.js';

/** Docker Hub's API host (containerd `DefaultHost`): `docker.io` names are served from here. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** One place a repository can be reached. */
export interface RegistryEndpoint {
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000`, `https://mirror/prefix` (no trailing slash). */
  readonly base: string;
  /** host[:port] as shown in messages. */
  readonly host: string;
  /** The registry domain of the reference (credentials are looked up by it; for a mirror, by the mirror's host). */
  readonly credentialsKey: string;
  readonly isMirror: boolean;
  readonly ca?: string;
}

/** Loopback hosts talk plain HTTP by default, as Docker treats 127.0.0.0/8 as insecure. */
export function isLoopbackHost(host: string): boolean {
  const h = stripPort(host);
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

function configFor(config: EngineConfig, domain: string): RegistryConfig {
  return config.registries?.[domain] ?? {};
}

function readCa(path: string | undefined, domain: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new EngineError(
      'ENGINE_CONFIG_INVALID',
      `registries["${domain}"].ca: cannot read ${path}: ${(err as Error).message}`,
    );
  }
}

function schemeFor(config: EngineConfig, host: string): 'http' | 'https' {
  const insecure = configFor(config, host).insecure;
  if (insecure !== undefined) return insecure ? 'http' : 'https';
  return isLoopbackHost(host) ? 'http' : 'https';
}

/** Parses a mirror entry (`host[:port][/prefix]` or a full URL) into an endpoint. */
export function mirrorEndpoint(entry: string, config: EngineConfig): RegistryEndpoint {
  const hasScheme = /^https?:\/\//.test(entry);
  let url: URL;
  try {
    url = new URL(hasScheme ? entry : `https://${entry}`);
  } catch {
    throw new EngineError('ENGINE_CONFIG_INVALID', `mirror "${entry}": not a URL or host[:port]`);
  }
  const scheme = hasScheme ? url.protocol.slice(0, -1) : schemeFor(config, url.host);
  const path = url.pathname.replace(/\/+$/, '');
  const ca = readCa(configFor(config, url.host).ca, url.host);
  return {
    base: `${scheme}://${url.host}${path}`,
    host: url.host,
    credentialsKey: url.host,
    isMirror: true,
    ...(ca ? { ca } : {}),
  };
}

/**
 * Where to reach `domain`: for pulls its mirrors first (engine config), then the registry itself;
 * for pushes the registry only. `docker.io` is reached at registry-1.docker.io over HTTPS; loopback
 * hosts and registries configured `insecure` over plain HTTP.
 */
export function resolveEndpoints(
  domain: string,
  config: EngineConfig,
  purpose: 'pull' | 'push',
): RegistryEndpoint[] {
  const rc = configFor(config, domain);
  const out: RegistryEndpoint[] = [];
  if (purpose === 'pull') for (const m of rc.mirrors ?? []) out.push(mirrorEndpoint(m, config));
  const apiHost = domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : domain;
  const ca = readCa(rc.ca, domain);
  out.push({
    base: `${schemeFor(config, domain)}://${apiHost}`,
    host: apiHost,
    credentialsKey: domain,
    isMirror: false,
    ...(ca ? { ca } : {}),
  });
  return out;
}
