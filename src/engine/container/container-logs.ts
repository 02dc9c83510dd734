import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { LineAssembler, logTimeNs, parseLogRecord, type LogLine, type LogRecord } from './log-record.js';

export interface LogReadOptions {
  /** Only lines at or after this time (ns since the epoch). */
  readonly sinceNs?: bigint;
  /** Only lines before this time. */
  readonly untilNs?: bigint;
  /** Only the last N lines of the history (follow then continues with new ones). */
  readonly tail?: number;
  /** Keep reading new output until `isDone` says the container will write no more. */
  readonly follow?: boolean;
  /** Polled while following: true once the container exited for good (its shim is gone). */
  readonly isDone?: () => Promise<boolean>;
  /**
   * Following ends (after a last read) as soon as this settles — no waiting for the next poll:
   * attached `run` passes the container's exit.
   */
  readonly stopWhen?: Promise<unknown>;
  /**
   * One line per record, unjoined (`complete: false` for a `P` piece): output appears as soon as
   * the shim wrote it, prompts without a newline included (attached `run`).
   */
  readonly raw?: boolean;
  readonly signal?: AbortSignal;
}

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;
/** The fallback poll while following, for filesystems where inotify says nothing. */
const POLL_MS = 250;

/** Reads complete lines of a file through a handle, keeping the unterminated rest. */
class LineReader {
  private rest: Buffer = Buffer.alloc(0);
  offset = 0;

  constructor(readonly handle: FileHandle) {}

  /** Reads to the current end of file; returns the complete lines read. */
  async readAvailable(): Promise<Buffer[]> {
    const lines: Buffer[] = [];
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await this.handle.read(buf, 0, CHUNK, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      let data = Buffer.concat([this.rest, buf.subarray(0, bytesRead)]);
      let nl = data.indexOf(NEWLINE);
      while (nl >= 0) {
        lines.push(data.subarray(0, nl));
        data = data.subarray(nl + 1);
        nl = data.indexOf(NEWLINE);
      }
      this.rest = Buffer.from(data);
    }
    return lines;
  }
}

/** Files of a log, oldest first: `log.N` … `log.1`, then `log` (the shim's rotation scheme). */
async function rotatedFiles(path: string): Promise<string[]> {
  const older: string[] = [];
  for (let n = 1; n < 1000; n++) {
    try {
      await stat(`${path}.${n}`);
      older.unshift(`${path}.${n}`);
    } catch {
      break;
    }
  }
  return older;
}

function inWindow(time: string, o: LogReadOptions): boolean {
  if (o.sinceNs === undefined && o.untilNs === undefined) return true;
  const t = logTimeNs(time);
  if (o.sinceNs !== undefined && t < o.sinceNs) return false;
  if (o.untilNs !== undefined && t >= o.untilNs) return false;
  return true;
}

/**
 * A container's log as lines: the history (rotated files first), filtered by time and cut to the
 * last `tail` lines, then — with `follow` — new lines as the shim writes them, across rotations
 * (a new inode at the path: the old file is read to its end first; a file shrunk in place is read
 * from its start), until `isDone` and the file is drained. Changes are noticed with inotify
 * (`fs.watch` on the directory) and, as a fallback, a 250 ms poll.
 */
export async function* readContainerLogs(path: string, o: LogReadOptions = {}): AsyncGenerator<LogLine> {
  const assembler = new LineAssembler();
  const history: LogLine[] = [];
  const collect = (lines: Buffer[], into: LogLine[]): void => {
    for (const raw of lines) {
      const line = toLine(parseLogRecord(raw), assembler, o);
      if (line && inWindow(line.time, o)) into.push(line);
    }
  };
  for (const file of await rotatedFiles(path)) {
    const h = await open(file, 'r').catch(() => undefined);
    if (!h) continue;
    try {
      collect(await new LineReader(h).readAvailable(), history);
    } finally {
      await h.close();
    }
  }
  let reader: LineReader | undefined;
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle) {
    reader = new LineReader(handle);
    collect(await reader.readAvailable(), history);
  }
  try {
    // Without follow, the last unterminated output is a line of the history (it counts for tail).
    if (!o.follow) for (const l of assembler.flush()) if (inWindow(l.time, o)) history.push(l);
    const start = o.tail !== undefined && o.tail >= 0 ? Math.max(0, history.length - o.tail) : 0;
    for (let i = start; i < history.length; i++) yield history[i]!;
    if (o.follow) yield* follow(path, reader, assembler, o);
  } finally {
    await reader?.handle.close();
  }
}

async function* follow(
  path: string,
  initial: LineReader | undefined,
  assembler: LineAssembler,
  o: LogReadOptions,
): AsyncGenerator<LogLine> {
  let reader = initial;
  let wake: (() => void) | undefined;
  let stopped = false;
  o.stopWhen?.then(
    () => {
      stopped = true;
      wake?.();
    },
    () => {
      stopped = true;
      wake?.();
    },
  );
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
      if (name === null || name.startsWith(basename(path))) wake?.();
    });
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined;
  }
  try {
    for (;;) {
      o.signal?.throwIfAborted();
      const done = stopped || (o.isDone ? await o.isDone() : false);
      // Rotation: a different file now sits at the path, or ours was truncated in place.
      const current = await stat(path).catch(() => undefined);
      if (reader && current) {
        const mine = await reader.handle.stat();
        if (mine.ino !== current.ino) {
          yield* emit(await reader.readAvailable(), assembler, o);
          await reader.handle.close();
          reader = undefined;
        } else if (current.size < reader.offset) reader.offset = 0;
      }
      if (!reader && current) {
        const h = await open(path, 'r').catch(() => undefined);
        if (h) reader = new LineReader(h);
      }
      if (reader) yield* emit(await reader.readAvailable(), assembler, o);
      if (done) {
        for (const l of assembler.flush()) if (inWindow(l.time, o)) yield l;
        return;
      }
      await nextChange(o.signal, (w) => (wake = w));
      wake = undefined;
    }
  } finally {
    watcher?.close();
    if (reader && reader !== initial) await reader.handle.close();
  }
}

/**
 * Resolves at the next wake-up (inotify or the end of the container), at the poll interval, or on
 * abort — whichever is first. The poll timer is cleared on any of them: a pending timer would keep
 * the CLI alive for up to the interval after the container's last line.
 */
function nextChange(signal: AbortSignal | undefined, setWake: (wake: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, POLL_MS);
    signal?.addEventListener('abort', finish, { once: true });
    setWake(finish);
  });
}

function* emit(lines: Buffer[], assembler: LineAssembler, o: LogReadOptions): Generator<LogLine> {
  for (const raw of lines) {
    const line = toLine(parseLogRecord(raw), assembler, o);
    if (line && inWindow(line.time, o)) yield line;
  }
}

function toLine(r: LogRecord | undefined, assembler: LineAssembler, o: LogReadOptions): LogLine | undefined {
  if (!r) return undefined;
  if (o.raw) return { time: r.time, stream: r.stream, text: r.text, complete: !r.partial };
  return assembler.push(r);
}

/** The bytes a line stands for in the program's output (with its newline when it had one). */
export function lineBytes(line: LogLine, timestamps: boolean): Buffer {
  const parts = [line.text];
  if (timestamps) parts.unshift(Buffer.from(`${line.time} `));
  if (line.complete) parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}
