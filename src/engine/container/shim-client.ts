import { openSync, closeSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { EngineError } from '../errors.js';
import type { ShimState } from './shim-state.js';

/**
 * Connects to a shim's control socket (`<state dir>/shim.sock`). The path is reached through an
 * fd of the directory (`/proc/self/fd/N/shim.sock`): engine roots can be deeper than sun_path's
 * 108 bytes allow, and the shim binds the same way.
 */
export function connectShim(shimDir: string, signal?: AbortSignal): Promise<Socket> {
  let dirFd: number;
  try {
    dirFd = openSync(shimDir, 'r');
  } catch (err) {
    return Promise.reject(shimGone(shimDir, err));
  }
  return new Promise((resolve, reject) => {
    const socket = connect({ path: `/proc/self/fd/${dirFd}/shim.sock`, signal });
    const done = (): void => {
      try {
        closeSync(dirFd);
      } catch {
        // already closed
      }
    };
    socket.once('connect', () => {
      done();
      resolve(socket);
    });
    socket.once('error', (err) => {
      done();
      reject(shimGone(shimDir, err));
    });
  });
}

function shimGone(shimDir: string, cause: unknown): EngineError {
  return new EngineError(
    'CONTAINER_SHIM_GONE',
    `the container's supervisor is not running (${join(shimDir, 'shim.sock')})`,
    undefined,
    {
      cause,
    },
  );
}

/** Sends one request line and returns the first reply line (`state`, `kill`, `stop`, `resize`). */
export async function shimRequest(shimDir: string, request: string, signal?: AbortSignal): Promise<string> {
  const socket = await connectShim(shimDir, signal);
  return new Promise((resolve, reject) => {
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
      const nl = data.indexOf('\n');
      if (nl >= 0) {
        socket.destroy();
        resolve(data.slice(0, nl));
      }
    });
    socket.on('error', (err) =>
      reject(
        new EngineError('CONTAINER_SHIM_FAILED', `shim ${request}: ${err.message}`, undefined, {
          cause: err,
        }),
      ),
    );
    socket.on('close', () => {
      if (!data.includes('\n')) {
        if (data.trim() !== '') resolve(data.trim());
        else
          reject(
            new EngineError(
              'CONTAINER_SHIM_FAILED',
              `shim ${request}: the supervisor closed the connection without an answer`,
            ),
          );
      }
    });
    socket.write(`${request}\n`);
  });
}

/** `{"ok":true}` or throws with the shim's error. */
export async function shimCommand(shimDir: string, request: string, signal?: AbortSignal): Promise<void> {
  const reply = JSON.parse(await shimRequest(shimDir, request, signal)) as { ok?: boolean; error?: string };
  if (!reply.ok)
    throw new EngineError('CONTAINER_SHIM_FAILED', `shim ${request}: ${reply.error ?? 'failed'}`);
}

/** An attach session: output frames as they come, then the final state when the container exits. */
export interface AttachSession {
  readonly socket: Socket;
  /** Resolves with the state frame (stream 3) sent at the container's exit, or undefined if the connection closed first. */
  readonly exited: Promise<ShimState | undefined>;
}

/**
 * `attach` (optionally with stdin): `onOutput(stream, bytes)` receives stdout (1) and stderr (2)
 * frames in Docker's multiplexed format; the state frame ends the session.
 */
export async function shimAttach(
  shimDir: string,
  o: {
    readonly stdin?: 'stdin' | 'stdin-once';
    readonly onOutput?: (stream: 1 | 2, data: Buffer) => void;
    readonly signal?: AbortSignal;
  } = {},
): Promise<AttachSession> {
  const socket = await connectShim(shimDir, o.signal);
  socket.write(`attach${o.stdin ? ` ${o.stdin}` : ''}\n`);
  const exited = new Promise<ShimState | undefined>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let headerSeen = false;
    let state: ShimState | undefined;
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!headerSeen) {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) return;
        const reply = buf.subarray(0, nl).toString('utf8');
        buf = buf.subarray(nl + 1);
        headerSeen = true;
        try {
          const parsed = JSON.parse(reply) as { ok?: boolean; error?: string };
          if (!parsed.ok) {
            socket.destroy();
            reject(new EngineError('CONTAINER_SHIM_FAILED', `shim attach: ${parsed.error ?? 'refused'}`));
            return;
          }
        } catch {
          socket.destroy();
          reject(
            new EngineError(
              'CONTAINER_SHIM_FAILED',
              `shim attach: unexpected reply ${JSON.stringify(reply)}`,
            ),
          );
          return;
        }
      }
      while (buf.length >= 8) {
        const size = buf.readUInt32BE(4);
        if (buf.length < 8 + size) break;
        const stream = buf[0]!;
        const payload = buf.subarray(8, 8 + size);
        buf = buf.subarray(8 + size);
        if (stream === 3) {
          try {
            state = JSON.parse(payload.toString('utf8')) as ShimState;
          } catch {
            state = undefined;
          }
        } else if ((stream === 1 || stream === 2) && o.onOutput) o.onOutput(stream, Buffer.from(payload));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(state));
  });
  return { socket, exited };
}
