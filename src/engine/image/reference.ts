import { EngineError } from '../errors.js';

/**
 * Image references as Docker reads them (distribution/reference `normalize.go`, summarised in
 * engine-anchors §4): `redis` = `docker.io/library/redis:latest`; the first path component is a
 * registry only if it has a `.` or `:`, is `localhost`, or has an uppercase letter;
 * `index.docker.io` = `docker.io`; repository paths are lowercase; 64-hex names are refused
 * (they read as image ids).
 */
export interface ImageReference {
  /** Registry host with optional port, as written (`docker.io`, `localhost:5000`, `[::1]:5000`). */
  readonly domain: string;
  /** Repository path inside the registry (`library/redis`). */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export const DOCKER_HUB_DOMAIN = 'docker.io';
const LEGACY_HUB_DOMAIN = 'index.docker.io';
export const DEFAULT_TAG = 'latest';
const NAME_TOTAL_LENGTH_MAX = 255;

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HEX64 = /^[a-f0-9]{64}$/;

export interface ParseReferenceOptions {
  /** Add `:latest` to a reference with neither tag nor digest (default true). */
  readonly defaultTag?: boolean;
}

function invalid(input: string, why?: string): EngineError {
  return new EngineError(
    'IMAGE_REFERENCE_INVALID',
    why ? `invalid reference format "${input}": ${why}` : `invalid reference format "${input}"`,
    'write references as [registry[:port]/]repository[:tag][@sha256:<digest>], e.g. redis:7 or localhost:5000/app:1.0',
  );
}

/** Parses and normalizes a reference; throws `IMAGE_REFERENCE_INVALID` with Docker's reasons. */
export function parseReference(input: string, options: ParseReferenceOptions = {}): ImageReference {
  if (input === '' || input.trim() !== input) throw invalid(input);
  if (HEX64.test(input)) {
    throw invalid(input, 'a repository name cannot be 64 hexadecimal digits (that is an image id)');
  }
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(input, `bad digest "${digest}"`);
  }
  // The tag is after the last ':' that comes after the last '/' (a ':' before it is a port).
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(input, `bad tag "${tag}"`);
  }
  let domain: string;
  let path: string;
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (
    slash < 0 ||
    (!/[.:]/.test(first) && first !== 'localhost' && !first.startsWith('[') && first.toLowerCase() === first)
  ) {
    domain = DOCKER_HUB_DOMAIN;
    path = rest;
  } else {
    domain = first;
    path = rest.slice(slash + 1);
  }
  if (domain === LEGACY_HUB_DOMAIN) domain = DOCKER_HUB_DOMAIN;
  if (domain === DOCKER_HUB_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (!DOMAIN.test(domain)) throw invalid(input, `bad registry host "${domain}"`);
  if (path.toLowerCase() !== path) {
    throw invalid(input, `repository name "${path}" must be lowercase`);
  }
  if (!PATH.test(path)) throw invalid(input, `bad repository name "${path}"`);
  if (domain.length + 1 + path.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(input, `repository name must have at most ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  if (tag === undefined && digest === undefined && (options.defaultTag ?? true)) tag = DEFAULT_TAG;
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Whether `input` parses as a reference (no throw). */
export function isValidReference(input: string): boolean {
  try {
    parseReference(input);
    return true;
  } catch {
    return false;
  }
}

/** `docker.io/library/redis`: the repository, fully qualified. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The canonical string: `docker.io/library/redis:7`, `host:5000/app@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The repository as Docker shows it: `redis`, `bitnami/redis`, `localhost:5000/app`. */
export function familiarRepository(ref: ImageReference): string {
  if (ref.domain !== DOCKER_HUB_DOMAIN) return repositoryName(ref);
  return ref.path.startsWith('library/') && ref.path.split('/').length === 2 ? ref.path.slice(8) : ref.path;
}

/** The reference as Docker prints it to users: `redis:7`, `localhost:5000/app:1.0`. */
export function familiarReference(ref: ImageReference): string {
  return `${familiarRepository(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The same repository with another tag (or digest), for `tag` and for repo digests. */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  return { domain: ref.domain, path: ref.path, tag };
}

export function withDigest(ref: ImageReference, digest: string): ImageReference {
  return { domain: ref.domain, path: ref.path, digest };
}
