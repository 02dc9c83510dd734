import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logLabel, printLogs } from '../../../src/cli/log-printer.js';
import { converge } from '../../../src/reconciler/converge.js';
import { makeProject } from '../planner/fixtures.js';
import { FakeEngine } from '../reconciler/fake-engine.js';

describe('logs: prefixed lines', () => {
  it('each line carries its container’s label, padded to the longest; -t adds the time; --no-log-prefix drops it', async () => {
    const e = new FakeEngine({ images: ['web:1', 'database:1'] });
    await converge(e, makeProject({ web: {}, database: {} }), {});
    const containers = await e.listContainers({ project: 'p' });
    const run = async (o: { prefix?: boolean; timestamps?: boolean }): Promise<string> => {
      const out = new PassThrough();
      let text = '';
      out.setEncoding('utf8').on('data', (d: string) => (text += d));
      await printLogs(e, containers, 'p', { out, ...o });
      return text.split('\n').sort().join('\n');
    };
    expect(await run({})).toBe(
      ['', 'database-1  | hello from p-database-1', 'web-1       | hello from p-web-1'].join('\n'),
    );
    expect(await run({ prefix: false, timestamps: true })).toBe(
      ['', '2026-01-01T00:00:00Z hello from p-database-1', '2026-01-01T00:00:00Z hello from p-web-1'].join(
        '\n',
      ),
    );
    expect(logLabel(containers[0]!, 'other')).toBe(containers[0]!.name);
  });
});
