import { describe, expect, it } from 'vitest';
import { mergeEnvironment, readProjectEnvFiles } from '../../../../src/spec/index.js';
import { load, loadError, loadText, memoryReader } from '../spec-test-kit.js';

describe('interpolation in the loader', () => {
  it('substitutes values, never keys', async () => {
    const project = await loadText(
      'services:\n  web:\n    image: "${IMG}"\n    labels:\n      "$KEY": v\n      - x\n'.replace(
        '      - x\n',
        '',
      ),
      { IMG: 'nginx', KEY: 'k' },
    );
    expect(project.services['web']?.image).toBe('nginx');
    expect(project.services['web']?.labels).toEqual({ $KEY: 'v' });
  });

  it('the KEY=VALUE list form interpolates the key', async () => {
    const project = await loadText('services:\n  web:\n    image: x\n    labels: ["$KEY=v"]\n', { KEY: 'k' });
    expect(project.services['web']?.labels).toEqual({ k: 'v' });
  });

  it('casts interpolated typed fields', async () => {
    const project = await loadText(
      'services:\n  web:\n    image: x\n    privileged: ${PRIV}\n    deploy: {replicas: "${N}"}\n    ports: [{target: "${PORT}"}]\n',
      { PRIV: 'true', N: '3', PORT: '8080' },
    );
    expect(project.services['web']).toMatchObject({
      privileged: true,
      deploy: { replicas: 3 },
      ports: [{ target: 8080 }],
    });
  });

  it('a cast that cannot succeed is an error at the field', async () => {
    const error = await loadError({
      files: { 'compose.yaml': 'services:\n  web:\n    image: x\n    privileged: ${PRIV}\n' },
      env: { PRIV: 'maybe' },
    });
    expect(error.message).toBe('compose.yaml:4:17: services.web.privileged: expected a boolean, got "maybe"');
  });

  it('YAML 1.1 booleans in variables work, with a warning', async () => {
    const { project, warnings } = await load({
      files: { 'compose.yaml': 'services:\n  web:\n    image: x\n    tty: ${T}\n' },
      env: { T: 'yes' },
    });
    expect(project.services['web']?.tty).toBe(true);
    expect(warnings.map((w) => w.message)).toContain(
      '"yes" for boolean is not supported by YAML 1.2, please use `true`',
    );
  });

  it('warns on unset variables, with their position', async () => {
    const { project, warnings } = await load({
      files: { 'compose.yaml': 'services:\n  web:\n    image: "nginx:${TAG}"\n' },
    });
    expect(project.services['web']?.image).toBe('nginx:');
    expect(warnings).toEqual([
      {
        message: 'The "TAG" variable is not set. Defaulting to a blank string.',
        path: 'services.web.image',
        position: { file: '/p/compose.yaml', line: 3, col: 12 },
      },
    ]);
  });

  it('$$ gives a literal $ (and config prints it escaped again)', async () => {
    const project = await loadText('services:\n  web:\n    image: x\n    command: echo $$HOME\n');
    expect(project.services['web']?.command).toEqual(['echo', '$HOME']);
  });

  it('interpolation can be switched off', async () => {
    const project = await loadText(
      'services:\n  web:\n    image: "${IMG:-x}"\n',
      {},
      { switches: { interpolate: false } },
    );
    expect(project.services['web']?.image).toBe('${IMG:-x}');
  });
});

describe('project environment (.env and --env-file)', () => {
  const reader = memoryReader({
    '/p/.env': 'A=from-dotenv\nB=from-dotenv\nC=${A}-c\n',
    '/p/second.env': 'B=second\nD=d\n',
  });

  it('OS environment wins over .env', async () => {
    const values = await readProjectEnvFiles(['/p/.env'], { A: 'from-os' }, { reader });
    expect(mergeEnvironment({ A: 'from-os' }, values)).toEqual({
      A: 'from-os',
      B: 'from-dotenv',
      C: 'from-os-c',
    });
  });

  it('later env files win over earlier ones', async () => {
    const values = await readProjectEnvFiles(['/p/.env', '/p/second.env'], {}, { reader });
    expect(values).toEqual({ A: 'from-dotenv', B: 'second', C: 'from-dotenv-c', D: 'd' });
  });

  it('a missing env file is an error', async () => {
    await expect(readProjectEnvFiles(['/p/none.env'], {}, { reader })).rejects.toThrow(
      "couldn't find env file: /p/none.env",
    );
  });

  it('a syntax error names the file and line', async () => {
    const bad = memoryReader({ '/p/.env': 'A=1\nB C=2\n' });
    await expect(readProjectEnvFiles(['/p/.env'], {}, { reader: bad, displayBase: '/p' })).rejects.toThrow(
      '.env:2:1: key cannot contain a space',
    );
  });
});

describe('container environment: environment over env_file', () => {
  const files = {
    'a.env': 'FOO=a\nBAR=a\nBAZ=a\nREF=${FOO}-${OS}\n',
    'b.env': 'BAR=b\n',
  };

  it('later env files win, environment wins over them even when empty', async () => {
    const { project } = await load({
      files: {
        ...files,
        'compose.yaml':
          'services:\n  web:\n    image: x\n    env_file: [a.env, b.env]\n    environment:\n      BAZ: ""\n      QUX: q\n',
      },
      env: { OS: 'os' },
    });
    expect(project.services['web']?.environment).toEqual({
      BAR: 'b',
      BAZ: '',
      FOO: 'a',
      QUX: 'q',
      REF: 'a-os',
    });
  });

  it('a valueless environment entry takes the OS value, else stays null', async () => {
    const { project } = await load({
      files: { 'compose.yaml': 'services:\n  web:\n    image: x\n    environment: [SET, UNSET]\n' },
      env: { SET: 'yes' },
    });
    expect(project.services['web']?.environment).toEqual({ SET: 'yes', UNSET: null });
  });

  it('a missing required env_file is an error; required: false is skipped', async () => {
    const error = await loadError({
      files: { 'compose.yaml': 'services:\n  web:\n    image: x\n    env_file: missing.env\n' },
    });
    expect(error.message).toBe('env file /p/missing.env not found (services.web.env_file)');
    const { project } = await load({
      files: {
        'compose.yaml':
          'services:\n  web:\n    image: x\n    env_file: [{path: missing.env, required: false}]\n',
      },
    });
    expect(project.services['web']?.environment).toBeUndefined();
  });

  it('format raw takes values verbatim', async () => {
    const { project } = await load({
      files: {
        'raw.env': 'A="quoted"\nB=$NOT\n',
        'compose.yaml': 'services:\n  web:\n    image: x\n    env_file: [{path: raw.env, format: raw}]\n',
      },
    });
    expect(project.services['web']?.environment).toEqual({ A: '"quoted"', B: '$NOT' });
  });

  it('label_file values are overridden by labels', async () => {
    const { project } = await load({
      files: {
        l1: 'A=1\nB=1\n',
        l2: 'B=2\nC=${B}\n',
        'compose.yaml': 'services:\n  web:\n    image: x\n    label_file: [l1, l2]\n    labels: {A: own}\n',
      },
    });
    // ${B} in l2 resolves from the files read before (B=1) before l2's own keys, as in Compose.
    expect(project.services['web']?.labels).toEqual({ A: 'own', B: '2', C: '1' });
  });

  it('secrets and configs take their content from the environment', async () => {
    const { project } = await load({
      files: {
        'compose.yaml':
          'services: {web: {image: x, secrets: [s], configs: [c]}}\nsecrets: {s: {environment: TOKEN}}\nconfigs: {c: {environment: CFG}, d: {content: "inline ${CFG}"}}\n',
      },
      env: { TOKEN: 't0k3n', CFG: 'conf' },
    });
    expect(project.secrets['s']).toEqual({ name: 'p_s', environment: 'TOKEN', content: 't0k3n' });
    expect(project.configs['c']?.content).toBe('conf');
    expect(project.configs['d']?.content).toBe('inline conf');
  });
});
