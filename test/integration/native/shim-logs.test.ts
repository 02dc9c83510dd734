// The shim's output handling: the CRI-format log file (both streams, partial lines, nothing lost,
// size rotation) and the control socket's attach stream (output frames, stdin, a terminal).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attach, RUNC, shimRequest, waitFor, waitState, useShimLab } from './shim-harness.js';

const lab = useShimLab('shim-logs', `tscompose-shimlogs-${process.pid}`);

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (stdout|stderr) ([FP]) (.*)$/;

interface Record {
  time: string;
  stream: string;
  tag: string;
  text: string;
}

function parseLog(text: string): Record[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const m = LINE.exec(l);
      if (!m) throw new Error(`not a log line: ${JSON.stringify(l)}`);
      return { time: m[1]!, stream: m[2]!, tag: m[3]!, text: m[4]! };
    });
}

/** What the program wrote on one stream: F records end a line, P records continue it. */
function streamText(records: Record[], stream: string): string {
  return records
    .filter((r) => r.stream === stream)
    .map((r) => (r.tag === 'F' ? `${r.text}\n` : r.text))
    .join('');
}

async function runToExit(args: string[], shimArgs: string[] = []) {
  const c = await lab().container(args);
  const log = join(c.stateDir, 'ctr.log');
  const r = lab().start(RUNC, c, ['--log-path', log, ...shimArgs]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const state = await waitState(c.stateDir, 'exit', (s) => !s.shimRunning);
  return { c, log, state };
}

describe('shim log file', () => {
  it('has every byte of both streams, partial lines as P records', async () => {
    const { log, state } = await runToExit([
      'sh',
      '-c',
      'echo out1; echo err1 >&2; printf part; sleep 0.2; echo ial; printf "err-no-newline" >&2; printf "last"',
    ]);
    expect(state.exitCode).toBe(0);
    const records = parseLog(readFileSync(log, 'utf8'));
    expect(streamText(records, 'stdout')).toBe('out1\npartial\nlast');
    expect(streamText(records, 'stderr')).toBe('err1\nerr-no-newline');
    expect(records.filter((r) => r.stream === 'stdout').map((r) => r.tag)).toEqual(['F', 'P', 'F', 'P']);
    const times = records.map((r) => Date.parse(r.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('loses nothing of a fast burst', async () => {
    const { log } = await runToExit(['seq', '1', '30000']);
    const expected = Array.from({ length: 30000 }, (_, i) => `${i + 1}\n`).join('');
    expect(streamText(parseLog(readFileSync(log, 'utf8')), 'stdout')).toBe(expected);
  });

  it('rotates by size and keeps max-files files', async () => {
    const script =
      'i=1000; while [ $i -lt 1300 ]; do echo "line-$i ..........................."; i=$((i+1)); done';
    const { log } = await runToExit(['sh', '-c', script], ['--log-max-size', '2k', '--log-max-files', '3']);
    expect(existsSync(`${log}.1`)).toBe(true);
    expect(existsSync(`${log}.2`)).toBe(true);
    expect(existsSync(`${log}.3`)).toBe(false);
    for (const f of [log, `${log}.1`, `${log}.2`]) expect(statSync(f).size).toBeLessThanOrEqual(2048);
    const kept = [`${log}.2`, `${log}.1`, log].map((f) => readFileSync(f, 'utf8')).join('');
    const lines = streamText(parseLog(kept), 'stdout').trimEnd().split('\n');
    const numbers = lines.map((l) => Number(/^line-(\d+) /.exec(l)?.[1]));
    expect(numbers.at(-1)).toBe(1299); // the newest output is kept...
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i)); // ...contiguous...
    expect(numbers[0]).toBeGreaterThan(1000); // ...and the oldest rotated away
  });

  it('with max-files 1 truncates in place, splitting over-long lines into P records', async () => {
    const long = 'x'.repeat(3000);
    const { log } = await runToExit(
      ['sh', '-c', `echo first; echo ${long}; echo tail`],
      ['--log-max-size', '1k'],
    );
    expect(existsSync(`${log}.1`)).toBe(false);
    expect(statSync(log).size).toBeLessThanOrEqual(1024);
    const records = parseLog(readFileSync(log, 'utf8'));
    expect(records.at(-1)).toMatchObject({ tag: 'F', text: 'tail' });
    expect(records.every((r) => r.text.length < 1024)).toBe(true);
  });
});

describe('shim attach', () => {
  it('streams output frames and ends with the exit state', async () => {
    const c = await lab().container([
      'sh',
      '-c',
      'while [ ! -e /tmp/go ]; do sleep 0.02; done; echo to-out; echo to-err >&2; exit 4',
    ]);
    lab().run(RUNC, c);
    const a = attach(c.stateDir);
    await waitFor('the attach reply', () => a.reply() !== '');
    expect(a.reply()).toBe('{"ok":true}');
    writeFileSync(join(c.rootfs, 'tmp', 'go'), '');
    await a.closed;
    expect(a.text(1)).toBe('to-out\n');
    expect(a.text(2)).toBe('to-err\n');
    const last = a.frames().at(-1)!;
    expect(last.stream).toBe(3);
    expect(JSON.parse(last.data.toString())).toMatchObject({ status: 'exited', exitCode: 4 });
  });

  it('feeds stdin to the container; stdin-once closes it when the client is done', async () => {
    const c = await lab().container(['sh', '-c', 'cat; echo cat-done']);
    lab().run(RUNC, c, ['--stdin', '--log-path', join(c.stateDir, 'ctr.log')]);
    const a = attach(c.stateDir, 'attach stdin-once');
    await waitFor('the attach reply', () => a.reply() === '{"ok":true}');
    a.send('hello\n');
    await waitFor('the echo', () => a.text(1).includes('hello\n'));
    a.send('x'.repeat(200_000)); // more than a pipe holds: written as the container reads
    a.endInput();
    await a.closed;
    const out = a.text(1);
    const expected = `hello\n${'x'.repeat(200_000)}cat-done\n`;
    expect(out.length).toBe(expected.length); // (no 200 kB diff in a failure report)
    expect(out === expected).toBe(true);
    const state = await waitState(c.stateDir, 'exit', (s) => !s.shimRunning);
    expect(state.exitCode).toBe(0);
  });

  it('drives a terminal: output from the pty, input, resize', async () => {
    const c = await lab().container(['sh'], (config) => {
      config.process.terminal = true;
    });
    lab().run(RUNC, c, ['--terminal', '--stdin']);
    expect(await shimRequest(c.stateDir, 'resize 40 100')).toBe('{"ok":true}\n');
    const a = attach(c.stateDir, 'attach stdin');
    await waitFor('the attach reply', () => a.reply() === '{"ok":true}');
    a.send('echo "size=$(stty size) tty=$(tty)"; exit 7\n');
    await a.closed;
    expect(a.text(1)).toContain('size=40 100 tty=/dev/pts/0');
    expect(JSON.parse(a.frames().at(-1)!.data.toString())).toMatchObject({ exitCode: 7 });
  });

  it('refuses resize without a terminal', async () => {
    const c = await lab().container(['sleep', '1000']);
    lab().run(RUNC, c);
    expect(JSON.parse(await shimRequest(c.stateDir, 'resize 40 100'))).toEqual({
      ok: false,
      error: 'the container has no terminal',
    });
  });
});
