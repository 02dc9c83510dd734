import { describe, expect, it } from 'vitest';
import { load, loadError } from '../spec-test-kit.js';

describe('include (14-include.md)', () => {
  it('imports services, networks and volumes of an included file, paths relative to its directory', async () => {
    const { project } = await load({
      files: {
        'compose.yaml':
          'include:\n  - lib/compose.yaml\nservices:\n  web:\n    image: web\n    depends_on: [db]\n',
        'lib/compose.yaml':
          'services:\n  db:\n    image: postgres\n    volumes: [./init:/init, data:/data]\nvolumes:\n  data: {}\nnetworks:\n  back: {}\n',
      },
    });
    expect(Object.keys(project.services).sort()).toEqual(['db', 'web']);
    expect(project.services['db']?.volumes?.[0]).toEqual({
      type: 'bind',
      source: '/p/lib/init',
      target: '/init',
      bind: {},
    });
    expect(project.volumes['data']?.name).toBe('p_data');
    expect(Object.keys(project.networks).sort()).toEqual(['back', 'default']);
  });

  it("reads the included project's own .env, which the including environment overrides", async () => {
    const { project } = await load({
      files: {
        'compose.yaml': 'include:\n  - lib/compose.yaml\n',
        'lib/compose.yaml': 'services:\n  db:\n    image: "${IMAGE}:${TAG}"\n',
        'lib/.env': 'IMAGE=postgres\nTAG=15\n',
      },
      env: { TAG: '16' },
    });
    expect(project.services['db']?.image).toBe('postgres:16');
  });

  it('long syntax: project_directory and env_file', async () => {
    const { project } = await load({
      files: {
        'compose.yaml':
          'include:\n  - path: lib/compose.yaml\n    project_directory: other\n    env_file: envs/inc.env\n',
        'lib/compose.yaml': 'services:\n  db:\n    image: "${IMAGE}"\n    volumes: [./d:/d]\n',
        'envs/inc.env': 'IMAGE=mysql\n',
      },
    });
    expect(project.services['db']?.image).toBe('mysql');
    expect(project.services['db']?.volumes?.[0]?.source).toBe('/p/other/d');
  });

  it('several paths are merged like -f files', async () => {
    const { project } = await load({
      files: {
        'compose.yaml': 'include:\n  - path: [lib/a.yaml, lib/b.yaml]\n',
        'lib/a.yaml': 'services:\n  db:\n    image: a\n    environment: {X: "1"}\n',
        'lib/b.yaml': 'services:\n  db:\n    image: b\n',
      },
    });
    expect(project.services['db']?.image).toBe('b');
    expect(project.services['db']?.environment).toEqual({ X: '1' });
  });

  it('applies recursively', async () => {
    const { project } = await load({
      files: {
        'compose.yaml': 'include: [a/compose.yaml]\n',
        'a/compose.yaml': 'include: [../b/compose.yaml]\nservices: {one: {image: x}}\n',
        'b/compose.yaml': 'services: {two: {image: y}}\n',
      },
    });
    expect(Object.keys(project.services).sort()).toEqual(['one', 'two']);
  });

  it('a resource defined both here and by an include is an error', async () => {
    const error = await loadError({
      files: {
        'compose.yaml': 'include: [lib.yaml]\nservices:\n  db:\n    image: mine\n',
        'lib.yaml': 'services:\n  db:\n    image: theirs\n',
      },
    });
    expect(error.code).toBe('SPEC_CONFLICT');
    expect(error.message).toBe(
      'compose.yaml:3:3: services.db: services.db is defined here and by the included lib.yaml',
    );
  });

  it('an identical definition is not a conflict', async () => {
    const { project } = await load({
      files: {
        'compose.yaml': 'include: [lib.yaml]\nnetworks: {n: {}}\nservices: {a: {image: x}}',
        'lib.yaml': 'networks: {n: {}}',
      },
    });
    expect(project.networks['n']?.name).toBe('p_n');
  });

  it('a missing included file is an error', async () => {
    const error = await loadError({ files: { 'compose.yaml': 'include: [nope.yaml]\n' } });
    expect(error.code).toBe('SPEC_FILE');
    expect(error.message).toBe('stack file not found: /p/nope.yaml');
  });
});

describe('extends (05-services.md#extends)', () => {
  it('merges the base service under the extending one', async () => {
    const { project } = await load({
      files: {
        'compose.yaml':
          'services:\n  common:\n    image: busybox\n    environment: {TZ: utc, PORT: 80}\n    cap_add: [A]\n  cli:\n    extends: {service: common}\n    environment: {PORT: 8080}\n    cap_add: [B]\n',
      },
    });
    expect(project.services['cli']).toMatchObject({
      image: 'busybox',
      environment: { PORT: '8080', TZ: 'utc' },
      cap_add: ['A', 'B'],
    });
    expect(project.services['cli']).not.toHaveProperty('extends');
  });

  it('volumes are merged on their target', async () => {
    const { project } = await load({
      files: {
        'compose.yaml':
          'services:\n  common:\n    image: busybox\n    volumes: [common:/var/lib/backup/data:rw]\n  cli:\n    extends: common\n    volumes: [cli:/var/lib/backup/data:ro]\nvolumes: {common: {}, cli: {}}\n',
      },
    });
    expect(project.services['cli']?.volumes).toEqual([
      { type: 'volume', source: 'cli', target: '/var/lib/backup/data', read_only: true, volume: {} },
    ]);
  });

  it('extends chains (cli → common → base)', async () => {
    const { project } = await load({
      files: {
        'compose.yaml':
          'services:\n  base: {image: busybox, user: root}\n  common: {image: busybox, extends: {service: base}}\n  cli: {extends: {service: common}}\n',
      },
    });
    expect(project.services['cli']).toMatchObject({ image: 'busybox', user: 'root' });
  });

  it('from another file, with paths relative to that file', async () => {
    const { project } = await load({
      files: {
        'compose.yaml':
          'services:\n  web:\n    extends: {file: common/base.yaml, service: app}\n    ports: ["80:80"]\n',
        'common/base.yaml':
          'services:\n  app:\n    image: app\n    build: ./src\n    env_file: [{path: app.env, required: false}]\n',
      },
    });
    expect(project.services['web']?.build?.context).toBe('/p/common/src');
    expect(project.services['web']?.env_file).toEqual([{ path: '/p/common/app.env', required: false }]);
    expect(project.services['web']?.ports?.[0]?.target).toBe(80);
  });

  it('the other file may itself extend a service of its own', async () => {
    const { project } = await load({
      files: {
        'compose.yaml': 'services:\n  web:\n    extends: {file: base.yaml, service: b}\n',
        'base.yaml': 'services:\n  a: {image: deep, user: u}\n  b: {extends: a, user: v}\n',
      },
    });
    expect(project.services['web']).toMatchObject({ image: 'deep', user: 'v' });
  });

  it('!reset in the extending service clears an inherited value', async () => {
    const { project } = await load({
      files: {
        'compose.yaml':
          'services:\n  base: {image: x, ports: ["80:80"], user: root}\n  web:\n    extends: base\n    ports: !reset []\n',
      },
    });
    expect(project.services['web']?.ports).toBeUndefined();
    expect(project.services['web']?.user).toBe('root');
  });

  it('command of the extending service replaces the base command', async () => {
    const { project } = await load({
      files: {
        'compose.yaml':
          'services:\n  base: {image: x, command: [a, b]}\n  web: {extends: base, command: [c]}\n',
      },
    });
    expect(project.services['web']?.command).toEqual(['c']);
  });

  it('an unknown base service is an error', async () => {
    const error = await loadError({ files: { 'compose.yaml': 'services:\n  web:\n    extends: nope\n' } });
    expect(error.code).toBe('SPEC_REFERENCE');
    expect(error.message).toBe(
      'compose.yaml:3:14: services.web.extends: cannot extend service "web": service "nope" not found',
    );
  });

  it('a missing extends.file is an error', async () => {
    const error = await loadError({
      files: { 'compose.yaml': 'services:\n  web:\n    extends: {file: gone.yaml, service: x}\n' },
    });
    expect(error.code).toBe('SPEC_FILE');
  });

  it('a service extending itself is a cycle', async () => {
    const error = await loadError({
      files: { 'compose.yaml': 'services:\n  a:\n    image: x\n    extends: a\n' },
    });
    expect(error.code).toBe('SPEC_CYCLE');
  });

  it('a cycle through another file is detected', async () => {
    const error = await loadError({
      files: {
        'compose.yaml': 'services:\n  a:\n    image: x\n    extends: {file: other.yaml, service: b}\n',
        'other.yaml': 'services:\n  b:\n    extends: {file: compose.yaml, service: a}\n',
      },
    });
    expect(error.code).toBe('SPEC_CYCLE');
  });
});
