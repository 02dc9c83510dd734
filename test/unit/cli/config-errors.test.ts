import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/run-cli.js';

// What a user reads when a stack file is wrong: one message with file:line:col, the field path,
// expected vs found, and a hint; exit code 3; no stack trace. These are golden: change them only
// on purpose.
const CASES: readonly {
  name: string;
  files: Record<string, string>;
  env?: Record<string, string>;
  stderr: string;
}[] = [
  {
    name: 'YAML syntax error',
    files: { 'compose.yaml': 'services:\n  web:\n    image: nginx\n     ports: [80\n' },
    stderr: 'error: compose.yaml:3:12: invalid YAML: Nested mappings are not allowed in compact mappings\n',
  },
  {
    name: 'unknown key',
    files: { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    prots:\n      - 80\n' },
    stderr: 'error: compose.yaml:4:5: services.web: unknown key "prots"\nhint: did you mean "ports"?\n',
  },
  {
    name: 'wrong type',
    files: { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports:\n      - 80\n      - true\n' },
    stderr:
      'error: compose.yaml:6:9: services.web.ports[1]: expected a port number, a port string or a port mapping, got true\n',
  },
  {
    name: '${VAR:?msg} unset',
    files: { 'compose.yaml': 'services:\n  web:\n    image: "${IMAGE:?set IMAGE to the image to run}"\n' },
    stderr:
      "error: compose.yaml:3:12: services.web.image: required variable IMAGE is missing a value: set IMAGE to the image to run\nhint: set IMAGE in the environment or in the project's .env file\n",
  },
  {
    name: 'extends cycle',
    files: {
      'compose.yaml': 'services:\n  a:\n    image: x\n    extends: b\n  b:\n    extends:\n      service: a\n',
    },
    stderr:
      'error: compose.yaml:4:14: services.a.extends: circular reference: a in compose.yaml extends b in compose.yaml extends a in compose.yaml\nhint: a service cannot extend itself, directly or through other services\n',
  },
  {
    name: 'include cycle',
    files: {
      'compose.yaml': 'include:\n  - sub/one.yaml\nservices:\n  web:\n    image: x\n',
      'sub/one.yaml': 'include:\n  - two.yaml\nservices:\n  one:\n    image: x\n',
      'sub/two.yaml': 'include:\n  - path: one.yaml\nservices:\n  two:\n    image: x\n',
    },
    stderr:
      'error: sub/two.yaml:2:5: include[0]: include cycle detected: sub/one.yaml includes sub/two.yaml includes sub/one.yaml\nhint: an included file must not include, directly or through others, a file that includes it\n',
  },
  {
    name: 'depends_on cycle',
    files: {
      'compose.yaml':
        'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on:\n      c:\n        condition: service_started\n  c:\n    image: x\n    depends_on: [a]\n',
    },
    stderr:
      'error: compose.yaml:12:18: services.c.depends_on.a: dependency cycle detected: a -> b -> c -> a\nhint: services cannot wait for each other; remove one of these depends_on entries\n',
  },
  {
    name: 'undefined network',
    files: {
      'compose.yaml':
        'services:\n  web:\n    image: x\n    networks:\n      - front\n      - back\nnetworks:\n  front: {}\n',
    },
    stderr:
      'error: compose.yaml:6:9: services.web.networks.back: service "web" refers to undefined network "back"\nhint: declare it under the top-level networks: key\n',
  },
  {
    name: 'undefined volume',
    files: {
      'compose.yaml':
        'services:\n  db:\n    image: postgres\n    volumes:\n      - ./init:/docker-entrypoint-initdb.d\n      - pgdata:/var/lib/postgresql/data\n',
    },
    stderr:
      'error: compose.yaml:6:9: services.db.volumes[1]: service "db" refers to undefined volume "pgdata"\nhint: declare it under the top-level volumes: key, or use a path starting with ./ or / for a bind mount\n',
  },
];

describe('config: invalid stacks (golden messages)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsc-spec-errors-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CASES)('$name', async ({ name, files, env, stderr }) => {
    const project = join(dir, name.replace(/[^a-z]+/gi, '-'));
    for (const [file, text] of Object.entries(files)) {
      const path = join(project, file);
      rmSync(path, { force: true });
      const parent = path.slice(0, path.lastIndexOf('/'));
      (await import('node:fs')).mkdirSync(parent, { recursive: true });
      writeFileSync(path, text);
    }
    const result = await runCliInProcess(['config', '-q'], { cwd: project, env: env ?? {} });
    expect(result.stderr).toBe(stderr);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(3);
  });

  it('prints the causes only with --debug', async () => {
    const project = join(dir, 'debug');
    (await import('node:fs')).mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'compose.yaml'), 'services:\n  web:\n    image: x\n    prots: []\n');
    const plain = await runCliInProcess(['config'], { cwd: project });
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await runCliInProcess(['--debug', 'config'], { cwd: project });
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/SpecError/);
  });
});
