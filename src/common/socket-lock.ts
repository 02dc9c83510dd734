import { connect, createServer, type Server } from 'node:net';

/**
 * A lock held by listening on a unix socket name (an abstract one: no file to go stale): the
 * kernel lets one process bind a name, and frees it when that process dies, however it dies.
 * Whoever holds it answers a connection with `holder` as one JSON line, so a waiter can say
 * what it waits for.
 */

/** Binds `name`: the server (the lock) or undefined when another process holds it. */
export function listenExclusive(name: string, holder: object): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(`${JSON.stringify(holder)}\n`);
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(undefined);
      else reject(err);
    });
    server.listen({ path: name, exclusive: true }, () => {
      // The lock must never keep the process alive on its own.
      server.unref();
      resolve(server);
    });
  });
}

/** Asks the current holder who it is; undefined when it does not answer within a second. */
export function askHolder<T extends { pid: number }>(name: string): Promise<T | undefined> {
  return new Promise((resolve) => {
    let data = '';
    const socket = connect({ path: name });
    const done = (value: T | undefined): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1000, () => done(undefined));
    socket.on('error', () => done(undefined));
    socket.setEncoding('utf8').on('data', (d: string) => (data += d));
    socket.on('end', () => {
      try {
        const parsed = JSON.parse(data) as T;
        done(typeof parsed.pid === 'number' ? parsed : undefined);
      } catch {
        done(undefined);
      }
    });
  });
}
