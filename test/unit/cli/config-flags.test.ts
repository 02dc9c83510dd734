import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCliInProcess } from '../../helpers/run-cli.js';

const STACK = `name: shop
services:
  web:
    image: nginx:\${TAG:-1.27}
    depends_on: [api]
    profiles: [front]
  api:
    build: ./api
    depends_on: [db]
    environment: [API_KEY]
  db:
    image: postgres:\${PG:?set PG}
    volumes: [data:/var/lib/postgresql/data]
  debug:
    image: busybox
    profiles: [debug, tools]
volumes:
  data: {}
  cache: {}
networks:
  back: {}
`;

let root: string;

function write(path: string, text: string): string {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tsc-spec-config-'));
  write('shop/compose.yaml', STACK);
  write('shop/.env', 'PG=16\nCOMPOSE_PROFILES=front\n');
  write('shop/sub/dir/.keep', '');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const shop = (): string => join(root, 'shop');
const run = (args: string[], env: Record<string, string> = {}, cwd = shop(), input?: string) =>
  runCliInProcess(args, { cwd, env: { HOME: '/home/u', ...env }, ...(input === undefined ? {} : { input }) });

describe('config listings', () => {
  it.each([
    [
      '--services: dependencies first, COMPOSE_PROFILES from .env',
      ['config', '--services'],
      'db\napi\nweb\n',
    ],
    ['--services with --profile', ['--profile', 'debug', 'config', '--services'], 'db\napi\ndebug\n'],
    ['--volumes', ['config', '--volumes'], 'cache\ndata\n'],
    ['--networks (with the implicit default)', ['config', '--networks'], 'back\ndefault\n'],
    [
      '--images (built images are <project>-<service>)',
      ['config', '--images'],
      'shop-api\npostgres:16\nnginx:1.27\n',
    ],
    ['--profiles lists all profiles', ['config', '--profiles'], 'debug\nfront\ntools\n'],
    ['a service on the command line narrows the project', ['config', '--services', 'api'], 'db\napi\n'],
    ['a service enables its profiles', ['config', '--services', 'debug'], 'debug\n'],
  ])('%s', async (_name, args, expected) => {
    const result = await run(args);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(expected);
    expect(result.code).toBe(0);
  });

  it('--environment prints the interpolation environment, .env included, OS first', async () => {
    const result = await run(['config', '--environment'], { PG: '17' });
    expect(result.stdout).toContain('PG=17\n');
    expect(result.stdout).toContain('COMPOSE_PROJECT_NAME=shop\n');
    expect(result.stdout).toContain('COMPOSE_PROFILES=front\n');
  });

  it('--variables: a table by default, YAML and JSON on request', async () => {
    const table = await run(['config', '--variables']);
    expect(table.stdout).toBe(
      'NAME   REQUIRED   DEFAULT VALUE   ALTERNATE VALUE\nPG     true\nTAG    false      1.27\n',
    );
    const json = await run(['config', '--variables', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({
      PG: { name: 'PG', defaultValue: '', presenceValue: '', required: true },
      TAG: { name: 'TAG', defaultValue: '1.27', presenceValue: '', required: false },
    });
  });
});

describe('config output', () => {
  it('prints YAML by default, JSON with --format json', async () => {
    const yaml = await run(['config']);
    expect(yaml.code).toBe(0);
    const doc = parse(yaml.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['name', 'services', 'networks', 'volumes']);
    const json = await run(['config', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: 'shop',
      services: {
        db: { image: 'postgres:16' },
        web: { image: 'nginx:1.27' },
        api: { build: { context: join(shop(), 'api') } },
      },
      volumes: { data: { name: 'shop_data' } },
    });
  });

  it('escapes $ so the output loads again to the same model', async () => {
    const dir = join(root, 'dollar');
    write('dollar/compose.yaml', 'services:\n  a:\n    image: x\n    command: echo $$HOME\n');
    const result = await run(['config', '--format', 'json'], {}, dir);
    expect(JSON.parse(result.stdout).services.a.command).toEqual(['echo', '$$HOME']);
  });

  it('--no-interpolate prints the model with variables as written', async () => {
    const result = await run(['config', '--no-interpolate', '--format', 'json']);
    const doc = JSON.parse(result.stdout) as { services: Record<string, { image?: string }> };
    expect(doc.services['db']?.image).toBe('postgres:${PG:?set PG}');
  });

  it('-q validates and prints nothing', async () => {
    const result = await run(['config', '-q']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('-o writes to a file', async () => {
    const result = await run(['config', '-o', 'out.yaml']);
    expect(result.stdout).toBe('');
    expect(parse(readFileSync(join(shop(), 'out.yaml'), 'utf8'))).toMatchObject({ name: 'shop' });
    rmSync(join(shop(), 'out.yaml'));
  });

  it('rejects an unknown --format', async () => {
    const result = await run(['config', '--format', 'toml']);
    expect(result.code).toBe(2);
  });
});

describe('stack files, directories and environment', () => {
  it('finds compose.yaml in a parent directory and uses its directory as project directory', async () => {
    const result = await run(['config', '--services'], {}, join(shop(), 'sub/dir'));
    expect(result.stdout).toBe('db\napi\nweb\n');
  });

  it('merges the override file found beside the stack file', async () => {
    write('ovr/compose.yaml', 'services:\n  a: {image: x}\n');
    write('ovr/compose.override.yaml', 'services:\n  a: {image: y}\n');
    const result = await run(['config', '--images'], {}, join(root, 'ovr'));
    expect(result.stdout).toBe('y\n');
  });

  it('no stack file anywhere is an error', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tsc-spec-none-'));
    const result = await run(['config'], {}, empty);
    rmSync(empty, { recursive: true });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: no configuration file provided: not found/);
  });

  it('-f, COMPOSE_FILE with a separator, and stdin', async () => {
    write('multi/a.yaml', 'services:\n  a: {image: one}\n');
    write('multi/b.yaml', 'services:\n  a: {image: two}\n');
    const dir = join(root, 'multi');
    expect((await run(['-f', 'a.yaml', 'config', '--images'], {}, dir)).stdout).toBe('one\n');
    expect((await run(['config', '--images'], { COMPOSE_FILE: 'a.yaml:b.yaml' }, dir)).stdout).toBe('two\n');
    expect(
      (await run(['-f', '-', 'config', '--images'], {}, dir, 'services: {s: {image: stdin}}\n')).stdout,
    ).toBe('stdin\n');
  });

  it('--env-file replaces .env; COMPOSE_DISABLE_ENV_FILE ignores it', async () => {
    write('shop/other.env', 'PG=12\n');
    expect((await run(['--env-file', 'other.env', 'config', '--images'])).stdout).toContain('postgres:12\n');
    const disabled = await run(['config', '-q'], { COMPOSE_DISABLE_ENV_FILE: '1' });
    expect(disabled.code).toBe(3);
    expect(disabled.stderr).toContain('required variable PG is missing a value: set PG');
  });

  it('-p is validated; --project-directory sets the base of relative paths', async () => {
    const bad = await run(['-p', 'Shop', 'config', '-q']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('invalid project name "Shop"');
    write('pd/compose.yaml', 'services:\n  a: {build: ./app}\n');
    const result = await run(
      ['-f', join(root, 'pd/compose.yaml'), '--project-directory', root, 'config', '--format', 'json'],
      {},
      root,
    );
    expect(JSON.parse(result.stdout).services.a.build.context).toBe(join(root, 'app'));
  });

  it('warnings go to stderr', async () => {
    write('warn/compose.yaml', 'services:\n  a: {image: "x:${NOPE}"}\n');
    const result = await run(['config', '-q'], {}, join(root, 'warn'));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'warning: compose.yaml:2:14: services.a.image: The "NOPE" variable is not set. Defaulting to a blank string.\n',
    );
  });
});
