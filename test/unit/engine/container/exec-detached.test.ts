import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execDetached } from '../../../../src/engine/container/container-exec.js';

// A stand-in for the shim's control socket: what the engine sends, and how it reads the answers
// (the shim's side is tested against real shims in test/integration/native/shim-exit.test.ts).
let dir = '';
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await rm(dir, { recursive: true, force: true });
});

async function shim(answer: string): Promise<{ requests: string[]; files: string[] }> {
  dir = await mkdtemp(join(tmpdir(), 'tsc-exec-detached-'));
  const seen = { requests: [] as string[], files: [] as string[] };
  server = createServer((socket) => {
    socket.setEncoding('utf8').once('data', (line: string) => {
      const request = line.trim();
      seen.requests.push(request);
      void readFile(join(dir, request.split(' ')[1]!), 'utf8').then((text) => {
        seen.files.push(text);
        socket.end(`${answer}\n`);
      });
    });
  });
  await new Promise<void>((r) => server!.listen(join(dir, 'shim.sock'), r));
  return seen;
}

const args = { id: 'c1', command: ['sh', '-c', 'echo x'], env: ['A=1'], uid: 1000, gid: 1000 };

describe('exec -d through the shim', () => {
  it('sends the options and command in a file of the state dir, and removes the file', async () => {
    const seen = await shim('{"ok":true}');
    expect(await execDetached(dir, args)).toBe(0);
    expect(seen.requests[0]).toMatch(/^exec exec-[0-9a-f]{16}\.json$/);
    expect(JSON.parse(seen.files[0]!)).toEqual({
      options: ['--env', 'A=1', '--user', '1000:1000'],
      command: ['sh', '-c', 'echo x'],
    });
    expect((await readdir(dir)).filter((f) => f.startsWith('exec-'))).toEqual([]);
  });

  it.each([
    ['a missing program', 'exec: `nosuch`: executable file not found in $PATH', 127],
    ['a program that cannot run', 'exec: `/etc`: permission denied', 126],
  ])('answers %s with docker exec’s code', async (_what, error, code) => {
    await shim(JSON.stringify({ ok: false, error }));
    expect(await execDetached(dir, args)).toBe(code);
  });

  it('says what to do when the shim predates detached execs', async () => {
    await shim('{"ok":false,"error":"unknown request (state, stop, kill, attach, resize)"}');
    await expect(execDetached(dir, args)).rejects.toMatchObject({
      code: 'CONTAINER_EXEC_FAILED',
      hint: expect.stringMatching(/restart the container/) as unknown,
    });
  });
});
