import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressRenderer } from '../../../../src/cli/render/progress-renderer.js';
import { formatBytes, renderLine } from '../../../../src/cli/render/progress-state.js';
import { renderTable, timeAgo } from '../../../../src/cli/render/table.js';

function stream(isTTY: boolean): {
  out: PassThrough & { isTTY?: boolean; columns?: number };
  text: () => string;
} {
  const out = Object.assign(new PassThrough(), { isTTY, columns: 100 });
  let text = '';
  out.setEncoding('utf8').on('data', (d: string) => (text += d));
  return { out, text: () => text };
}

const events = [
  { id: 'image:redis:7', status: 'working', text: 'Pulling' },
  { id: 'layer:0123456789ab', parent: 'image:redis:7', status: 'waiting', text: 'Waiting' },
  {
    id: 'layer:0123456789ab',
    parent: 'image:redis:7',
    status: 'working',
    text: 'Downloading',
    current: 10,
    total: 100,
  },
  {
    id: 'layer:0123456789ab',
    parent: 'image:redis:7',
    status: 'working',
    text: 'Downloading',
    current: 50,
    total: 100,
  },
  {
    id: 'layer:0123456789ab',
    parent: 'image:redis:7',
    status: 'done',
    text: 'Pull complete',
    current: 100,
    total: 100,
  },
  { id: 'image:redis:7', status: 'done', text: 'Pulled' },
] as const;

describe('progress renderers', () => {
  it('plain: one line per status change, none per byte', async () => {
    const s = stream(false);
    const r = createProgressRenderer('auto', s.out);
    for (const e of events) r.emit(e);
    r.done();
    await new Promise((res) => setImmediate(res));
    expect(s.text()).toBe(
      [
        'redis:7: Pulling',
        '0123456789ab: Waiting',
        '0123456789ab: Downloading',
        '0123456789ab: Pull complete',
        'redis:7: Pulled',
        '',
      ].join('\n'),
    );
  });

  it('json: every event as a JSON line', async () => {
    const s = stream(false);
    const r = createProgressRenderer('json', s.out);
    for (const e of events) r.emit(e);
    r.done();
    await new Promise((res) => setImmediate(res));
    expect(
      s
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(events);
  });

  it('tty: redraws a tree of bars in place', async () => {
    const s = stream(true);
    const r = createProgressRenderer('auto', s.out);
    for (const e of events.slice(0, 4)) r.emit(e);
    r.done();
    await new Promise((res) => setImmediate(res));
    expect(s.text()).toContain('\x1b[2Kredis:7 Pulling\n');
    expect(s.text()).toContain(
      '\x1b[2K  0123456789ab Downloading [==============>               ] 50B/100B\n',
    );
  });

  it('quiet: nothing', async () => {
    const s = stream(true);
    const r = createProgressRenderer('quiet', s.out);
    for (const e of events) r.emit(e);
    r.done();
    expect(s.text()).toBe('');
  });

  it.each([
    [0, '0B'],
    [999, '999B'],
    [1000, '1.00kB'],
    [12_345_678, '12.3MB'],
    [200_000_000, '200MB'],
  ])('formatBytes(%s) = %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it('cuts lines to the terminal width', () => {
    expect(renderLine({ id: 'layer:abc', status: 'working', text: 'x'.repeat(200) }, 0, 40)).toHaveLength(39);
  });

  it('renders Docker-like tables and ages', () => {
    expect(renderTable(['A', 'LONGER'], [['xxxx', 'y']])).toBe('A      LONGER\nxxxx   y\n');
    const now = Date.parse('2024-01-10T00:00:00Z');
    expect(timeAgo('2024-01-09T23:59:30Z', now)).toBe('30 seconds ago');
    expect(timeAgo('2024-01-09T22:00:00Z', now)).toBe('2 hours ago');
    expect(timeAgo('2024-01-01T00:00:00Z', now)).toBe('1 week ago');
    expect(timeAgo(undefined, now)).toBe('N/A');
  });
});
