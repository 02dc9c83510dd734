import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/run-cli.js';
import { HAS_SHARED, SHARED_DIR, SHARED_MISSING_REASON } from '../../helpers/shared-dir.js';

// The reference loader's own full example (compose-go loader/full-struct_test.go): loaded the way
// its test loads it (normalization and consistency checks off, /work/shared/spec/README.md names
// the environment), `config --format json` must give the same data as full-example.expected.json.
describe.skipIf(!HAS_SHARED)(
  `config golden: full-example.yml${HAS_SHARED ? '' : ` (skipped: ${SHARED_MISSING_REASON})`}`,
  () => {
    let dir: string;
    let home: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tsc-spec-golden-'));
      home = join(dir, 'home');
      mkdirSync(home);
      cpSync(join(SHARED_DIR, 'spec/golden'), join(dir, 'golden'), { recursive: true });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('services, networks, volumes, secrets, configs and extensions equal the reference output', async () => {
      const workingDir = join(dir, 'golden');
      const result = await runCliInProcess(
        [
          '-f',
          join(workingDir, 'full-example.yml'),
          'config',
          '--format',
          'json',
          '--no-normalize',
          '--no-consistency',
        ],
        { cwd: workingDir, env: { HOME: home, BAR: 'this is a secret', QUX: 'qux_from_environment' } },
      );
      expect(result.stderr).not.toContain('error');
      expect(result.code).toBe(0);
      const expectedText = readFileSync(join(workingDir, 'full-example.expected.json'), 'utf8')
        .replaceAll('{{workingDir}}', workingDir)
        .replaceAll('{{homeDir}}', home);
      const expected = JSON.parse(expectedText) as Record<string, unknown>;
      const actual = JSON.parse(result.stdout) as Record<string, unknown>;
      for (const key of ['services', 'networks', 'volumes', 'secrets', 'configs']) {
        expect(actual[key], key).toStrictEqual(expected[key]);
      }
      const extensions = (o: Record<string, unknown>): Record<string, unknown> =>
        Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith('x-')));
      expect(extensions(actual)).toStrictEqual(extensions(expected));
      expect(actual['name']).toBe(expected['name']);
    });
  },
);
