import { createSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';

/**
 * A little DNS, for tests only: queries to send, answers to read, and a fake upstream server
 * (the "host's resolver" the responder forwards to), so no test ever asks a real server.
 */
export const TYPE = { A: 1, PTR: 12, AAAA: 28, TXT: 16 } as const;
export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export function encodeName(name: string): Buffer {
  const parts = name === '' ? [] : name.replace(/\.$/, '').split('.');
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
    Buffer.from([0]),
  ]);
}

export function buildQuery(id: number, name: string, type: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([header, encodeName(name), tail]);
}

export interface Answer {
  readonly id: number;
  readonly rcode: number;
  readonly truncated: boolean;
  readonly authoritative: boolean;
  /** A records as dotted quads, PTR targets as names, in message order. */
  readonly records: readonly string[];
  readonly ttls: readonly number[];
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let end = -1;
  let off = offset;
  for (let hops = 0; hops < 64; hops++) {
    const len = msg[off]!;
    if (len === 0) {
      if (end < 0) end = off + 1;
      return { name: labels.join('.'), end };
    }
    if ((len & 0xc0) === 0xc0) {
      if (end < 0) end = off + 2;
      off = ((len & 0x3f) << 8) | msg[off + 1]!;
      continue;
    }
    labels.push(msg.subarray(off + 1, off + 1 + len).toString());
    off += 1 + len;
  }
  throw new Error('name loop');
}

export function parseAnswer(msg: Buffer): Answer {
  const flags = msg.readUInt16BE(2);
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let off = 12;
  for (let i = 0; i < qd; i++) off = readName(msg, off).end + 4;
  const records: string[] = [];
  const ttls: number[] = [];
  for (let i = 0; i < an; i++) {
    off = readName(msg, off).end;
    const type = msg.readUInt16BE(off);
    const ttl = msg.readUInt32BE(off + 4);
    const len = msg.readUInt16BE(off + 8);
    const data = off + 10;
    if (type === TYPE.A) records.push([...msg.subarray(data, data + 4)].join('.'));
    else if (type === TYPE.PTR) records.push(readName(msg, data).name);
    else records.push(`type${type}`);
    ttls.push(ttl);
    off = data + len;
  }
  return {
    id: msg.readUInt16BE(0),
    rcode: flags & 0xf,
    truncated: (flags & 0x0200) !== 0,
    authoritative: (flags & 0x0400) !== 0,
    records,
    ttls,
  };
}

export interface QueryOptions {
  /** Local address to send from (a loopback address stands for a container's). */
  readonly from?: string;
  readonly type?: number;
  readonly tcp?: boolean;
  readonly timeoutMs?: number;
}

/** Asks `server`:53 one question over UDP (default) or TCP. */
export function query(server: string, name: string, o: QueryOptions = {}): Promise<Answer> {
  const id = Math.floor(Math.random() * 65536);
  const msg = buildQuery(id, name, o.type ?? TYPE.A);
  const timeoutMs = o.timeoutMs ?? 8000;
  if (o.tcp) {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: server, port: 53, ...(o.from ? { localAddress: o.from } : {}) });
      let buf = Buffer.alloc(0);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`tcp query ${name}: timeout`));
      }, timeoutMs);
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(msg.length);
        socket.write(Buffer.concat([len, msg]));
      });
      socket.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          clearTimeout(timer);
          socket.destroy();
          resolve(parseAnswer(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        }
      });
    });
  }
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`udp query ${name}: timeout`));
    }, timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    socket.on('message', (reply) => {
      const answer = parseAnswer(reply);
      if (answer.id !== id) return;
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    });
    socket.bind({ address: o.from ?? '0.0.0.0', port: 0 }, () => socket.send(msg, 53, server));
  });
}

/**
 * A fake upstream resolver on `address`:53 (UDP and TCP): A records from `zone`, NXDOMAIN for
 * anything else. Counts the queries it saw.
 */
export class FakeUpstream {
  readonly seen: string[] = [];
  private udp = createSocket({ type: 'udp4', reuseAddr: true });
  private tcp: Server | undefined;

  constructor(
    readonly address: string,
    private readonly zone: Readonly<Record<string, string>>,
  ) {}

  private answer(q: Buffer): Buffer {
    const { name, end } = readName(q, 12);
    this.seen.push(name);
    const address = this.zone[name.toLowerCase()];
    const header = Buffer.from(q.subarray(0, 12));
    header.writeUInt16BE(0x8180 | (address ? 0 : RCODE.NXDOMAIN), 2);
    header.writeUInt16BE(address ? 1 : 0, 6);
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(0, 10);
    const question = q.subarray(12, end + 4);
    if (!address) return Buffer.concat([header, question]);
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(TYPE.A, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(4, 10);
    address.split('.').forEach((o, i) => rr.writeUInt8(Number(o), 12 + i));
    return Buffer.concat([header, question, rr]);
  }

  async start(): Promise<void> {
    this.udp.on('message', (msg, rinfo) => this.udp.send(this.answer(msg), rinfo.port, rinfo.address));
    await new Promise<void>((resolve, reject) => {
      this.udp.once('error', reject);
      this.udp.bind({ address: this.address, port: 53 }, () => resolve());
    });
    this.tcp = createServer((socket) => {
      let buf = Buffer.alloc(0);
      socket.on('error', () => undefined);
      socket.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const reply = this.answer(buf.subarray(2, 2 + buf.readUInt16BE(0)));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([len, reply]));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.tcp!.once('error', reject);
      this.tcp!.listen({ host: this.address, port: 53 }, () => resolve());
    });
  }

  private stopped = false;

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
  }
}

/** A random 127.x.y.z address (the whole /8 is local on Linux), for tests running side by side. */
export function randomLoopback(): string {
  const r = () => 1 + Math.floor(Math.random() * 253);
  return `127.${r()}.${r()}.${r()}`;
}
