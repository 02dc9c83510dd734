import { EngineError } from '../../errors.js';
import type { RetryAfter } from './retry.js';

/** A registry answer that is not what the call expected: status, registry error code, message. */
export class RegistryHttpError extends EngineError implements RetryAfter {
  constructor(
    code: string,
    message: string,
    readonly status: number,
    readonly registryCode: string | undefined,
    hint?: string,
    readonly retryAfterMs?: number,
  ) {
    super(code, message, hint);
  }
}

interface RegistryErrorBody {
  errors?: { code?: string; message?: string; detail?: unknown }[];
}

/** The first `{code, message}` of a distribution-spec error body, if it is one. */
export function parseRegistryErrorBody(body: Buffer | undefined): { code?: string; message?: string } {
  if (!body || body.length === 0) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8')) as RegistryErrorBody;
    const first = parsed.errors?.[0];
    if (first)
      return {
        ...(first.code ? { code: first.code } : {}),
        ...(first.message ? { message: first.message } : {}),
      };
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  return {};
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'bad request',
  401: 'unauthorized',
  403: 'denied',
  404: 'not found',
  405: 'method not allowed',
  409: 'conflict',
  413: 'payload too large',
  416: 'range not satisfiable',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

/** `registry-1.docker.io: 401 unauthorized: authentication required` */
export function describeStatus(
  host: string,
  status: number,
  body?: { code?: string; message?: string },
): string {
  const text = body?.code
    ? body.code.toLowerCase().replace(/_/g, ' ')
    : (STATUS_TEXT[status] ?? 'unexpected status');
  const msg = body?.message && body.message.toLowerCase() !== text ? `: ${body.message}` : '';
  return `${host}: ${status} ${text}${msg}`;
}

/** Maps a final (non-retried) registry status to the error a user reads. */
export function registryStatusError(
  host: string,
  status: number,
  body: { code?: string; message?: string },
  context: { what?: string; domain?: string; retryAfterMs?: number } = {},
): RegistryHttpError {
  const message = describeStatus(host, status, body);
  const login = `log in with \`tscompose login ${context.domain ?? host}\`, or check the name and your access`;
  if (status === 401)
    return new RegistryHttpError('REGISTRY_UNAUTHORIZED', message, status, body.code, login);
  if (status === 403) return new RegistryHttpError('REGISTRY_DENIED', message, status, body.code, login);
  if (status === 404) {
    return new RegistryHttpError(
      context.what === 'blob' ? 'BLOB_NOT_FOUND' : 'IMAGE_NOT_FOUND',
      message,
      status,
      body.code,
      context.what === 'blob' ? undefined : 'check the repository name and tag (and that you may read it)',
    );
  }
  if (status === 429) {
    return new RegistryHttpError(
      'REGISTRY_RATE_LIMITED',
      message,
      status,
      body.code,
      'wait, or log in for a higher limit',
      context.retryAfterMs,
    );
  }
  if (status >= 500) {
    return new RegistryHttpError(
      'REGISTRY_UNAVAILABLE',
      message,
      status,
      body.code,
      'the registry failed; try again later',
      context.retryAfterMs,
    );
  }
  return new RegistryHttpError('REGISTRY_ERROR', message, status, body.code);
}

/** A connection that could not be made or broke: names the host and the system's reason. */
export function unreachable(host: string, err: unknown): EngineError {
  const e = err as NodeJS.ErrnoException;
  const reason =
    e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? `cannot resolve ${host}` : (e.message ?? String(err));
  return new EngineError(
    'REGISTRY_UNREACHABLE',
    `${host}: ${reason}${e.code && !reason.includes(e.code) ? ` (${e.code})` : ''}`,
    'check the network, the registry address, and for a plain-HTTP registry the `insecure` setting in engine.json',
    { cause: err },
  );
}

/** Prefixes an operation (`pull nginx:1.27: …`) to an engine error, keeping its code and hint. */
export function inOperation(prefix: string, err: unknown): unknown {
  if (err instanceof EngineError && !err.message.startsWith(prefix)) {
    const wrapped = new EngineError(err.code, `${prefix}: ${err.message}`, err.hint, { cause: err });
    return wrapped;
  }
  return err;
}
