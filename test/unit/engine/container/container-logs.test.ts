import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  lineBytes,
  readContainerLogs,
  type LogReadOptions,
} from '../../../../src/engine/container/container-logs.js';

const T = (n: number) => `2026-01-02T03:04:${String(n).padStart(2, '0')}.000000000Z`;

describe('reading a container’s log', () => {
  let dir: string;
  let log: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscompose-unit-logs-'));
    log = join(dir, 'container.log');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function collect(o: LogReadOptions = {}, timestamps = false): Promise<string> {
    let out = '';
    for await (const l of readContainerLogs(log, o))
      out += `${l.stream === 'stderr' ? '!' : ''}${lineBytes(l, timestamps).toString()}`;
    return out;
  }

  it('reads rotated files oldest first, joins pieces, keeps the unterminated end', async () => {
    await writeFile(`${log}.2`, `${T(1)} stdout F one\n`);
    await writeFile(`${log}.1`, `${T(2)} stdout P tw\n${T(3)} stderr F err\n`);
    await writeFile(log, `${T(4)} stdout F o\n${T(5)} stdout P last\n`);
    expect(await collect()).toBe('one\n!err\ntwo\nlast');
    expect(await collect({ tail: 2 })).toBe('two\nlast');
    expect(await collect({ tail: 3 })).toBe('!err\ntwo\nlast');
    expect(await collect({ tail: 0 })).toBe('');
    expect(await collect({}, true)).toBe(`${T(1)} one\n!${T(3)} err\n${T(2)} two\n${T(5)} last`);
  });

  it('filters by time', async () => {
    await writeFile(log, `${T(1)} stdout F a\n${T(2)} stdout F b\n${T(3)} stdout F c\n`);
    const ns = (n: number) => BigInt(Date.parse(T(n))) * 1_000_000n;
    expect(await collect({ sinceNs: ns(2) })).toBe('b\nc\n');
    expect(await collect({ untilNs: ns(2) })).toBe('a\n');
    expect(await collect({ sinceNs: ns(2), untilNs: ns(3) })).toBe('b\n');
  });

  it('raw mode yields each record as written', async () => {
    await writeFile(log, `${T(1)} stdout P pro\n${T(2)} stdout F mpt\n`);
    const parts: [string, boolean][] = [];
    for await (const l of readContainerLogs(log, { raw: true })) parts.push([l.text.toString(), l.complete]);
    expect(parts).toEqual([
      ['pro', false],
      ['mpt', true],
    ]);
  });

  it('follows new output across a rotation until the container is done', async () => {
    await writeFile(log, `${T(1)} stdout F first\n`);
    let done = false;
    const lines: string[] = [];
    const reading = (async () => {
      for await (const l of readContainerLogs(log, { follow: true, isDone: async () => done }))
        lines.push(l.text.toString());
    })();
    await appendFile(log, `${T(2)} stdout F second\n`);
    await rename(log, `${log}.1`);
    await appendFile(`${log}.1`, `${T(3)} stdout F third\n`);
    await writeFile(log, `${T(4)} stdout F fourth\n`);
    await new Promise((r) => setTimeout(r, 400));
    done = true;
    await reading;
    expect(lines).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('stops following when aborted', async () => {
    await writeFile(log, `${T(1)} stdout F x\n`);
    const ac = new AbortController();
    const reading = (async () => {
      for await (const l of readContainerLogs(log, { follow: true, signal: ac.signal })) void l;
    })();
    ac.abort(new Error('stop'));
    await expect(reading).rejects.toThrow('stop');
  });
});
