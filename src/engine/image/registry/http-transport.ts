import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  /** A buffer, or a factory so the body can be sent again after a 401 or a retry. */
  readonly body?: Buffer | (() => Readable);
  readonly signal?: AbortSignal;
  /** Skip TLS verification (insecure registries that still speak TLS). */
  readonly insecureTls?: boolean;
  /** Extra trusted CA certificates (PEM) for this host. */
  readonly ca?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body, not yet read: read it, or `discard()` it to free the connection. */
  readonly body: http.IncomingMessage;
  readonly url: URL;
}

export interface HttpTransportOptions {
  /** A request (or a body) idle for this long fails with ETIMEDOUT (default 60 s). */
  readonly idleTimeoutMs?: number;
  readonly userAgent?: string;
}

/**
 * Streaming HTTP(S) on Node's own http/https modules: Node streams (backpressure into the
 * unpacker, no web-stream adapters), keep-alive connection pools per scheme, an idle timeout on
 * the socket (a body may take minutes; silence may not), and the caller's AbortSignal. No
 * redirects, no auth: the registry client decides those (it must drop credentials on a redirect
 * to another host).
 */
export class HttpTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgents = new Map<string, https.Agent>();
  private readonly idleTimeoutMs: number;
  private readonly userAgent: string;

  constructor(options: HttpTransportOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.userAgent = options.userAgent ?? 'tscompose/0.1';
  }

  private agentFor(req: HttpRequest): http.Agent {
    if (req.url.protocol === 'http:') return this.httpAgent;
    const key = `${req.insecureTls ? 'insecure' : 'verify'}|${req.ca ?? ''}`;
    let agent = this.httpsAgents.get(key);
    if (!agent) {
      agent = new https.Agent({
        keepAlive: true,
        maxSockets: 16,
        rejectUnauthorized: !req.insecureTls,
        ...(req.ca ? { ca: req.ca } : {}),
      });
      this.httpsAgents.set(key, agent);
    }
    return agent;
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    req.signal?.throwIfAborted();
    const mod = req.url.protocol === 'http:' ? http : https;
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['content-length'] = String(req.body.length);
    return new Promise<HttpResponse>((resolve, reject) => {
      const clientReq = mod.request(req.url, {
        method: req.method,
        headers,
        agent: this.agentFor(req),
        signal: req.signal,
      });
      clientReq.setTimeout(this.idleTimeoutMs, () => {
        const err = new Error(`no data for ${this.idleTimeoutMs} ms`) as NodeJS.ErrnoException;
        err.code = 'ETIMEDOUT';
        clientReq.destroy(err);
      });
      clientReq.on('error', reject);
      clientReq.on('response', (res) => {
        // The socket timeout keeps guarding the body; errors on it go to the body's reader.
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: req.url });
      });
      if (req.body === undefined) clientReq.end();
      else if (Buffer.isBuffer(req.body)) clientReq.end(req.body);
      else {
        const source = req.body();
        source.on('error', (err) => clientReq.destroy(err));
        source.pipe(clientReq);
      }
    });
  }

  /** Closes pooled connections (the process can exit). */
  close(): void {
    this.httpAgent.destroy();
    for (const a of this.httpsAgents.values()) a.destroy();
    this.httpsAgents.clear();
  }
}

/** Reads a body whole, failing beyond `maxBytes` (manifests, configs, error bodies, tokens). */
export async function readBody(res: HttpResponse, maxBytes: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw new BodyTooLargeError(`${what}: ${declared} bytes, more than the limit of ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      res.body.destroy();
      throw new BodyTooLargeError(`${what}: more than the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Drains and drops a body we do not need, so its keep-alive connection is reused. */
export async function discard(res: HttpResponse): Promise<void> {
  try {
    // Small bodies are drained; large ones are cheaper to drop with the connection.
    const len = Number(res.headers['content-length'] ?? NaN);
    if (Number.isFinite(len) && len > 64 * 1024) {
      res.body.destroy();
      return;
    }
    for await (const _ of res.body) {
      // drain
    }
  } catch {
    // a broken body we were going to drop anyway
  }
}

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
}
