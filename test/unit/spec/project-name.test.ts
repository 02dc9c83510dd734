import { describe, expect, it } from 'vitest';
import { isValidProjectName, normalizeProjectName } from '../../../src/spec/project-name.js';
import { SpecError } from '../../../src/spec/index.js';
import { load } from './spec-test-kit.js';

describe('project name normalization', () => {
  it.each([
    ['myapp', 'myapp'],
    ['MyApp', 'myapp'],
    ['my app', 'myapp'],
    ['my.app', 'myapp'],
    ['my_app-2', 'my_app-2'],
    ['_leading', 'leading'],
    ['-_-x', 'x'],
    ['x-', 'x-'],
    ['Ünïcödé', 'ncd'],
    ['123', '123'],
    ['!!!', ''],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeProjectName(input)).toBe(expected);
  });

  it.each([
    ['myapp', true],
    ['my-app_1', true],
    ['1app', true],
    ['MyApp', false],
    ['my app', false],
    ['_app', false],
    ['-app', false],
    ['', false],
    ['app.v2', false],
  ])('%j valid: %s', (input, expected) => {
    expect(isValidProjectName(input)).toBe(expected);
  });
});

describe('project name precedence', () => {
  const stack = (name?: string): Record<string, string> => ({
    'compose.yaml': `${name === undefined ? '' : `name: ${name}\n`}services:\n  web:\n    image: x\n`,
  });

  it.each([
    ['directory name when nothing else', stack(), {}, undefined, 'p'],
    ['name: wins over the directory', stack('fromfile'), {}, undefined, 'fromfile'],
    ['name: is normalized', stack('"My App"'), {}, undefined, 'myapp'],
    ['name: is interpolated', stack('${PREFIX}-app'), { PREFIX: 'dev' }, undefined, 'dev-app'],
    ['name: default operator', stack('${NOPE:-fallback}'), {}, undefined, 'fallback'],
    ['explicit name wins over name:', stack('fromfile'), {}, 'explicit', 'explicit'],
    ['explicit name wins over directory', stack(), {}, 'explicit', 'explicit'],
  ])('%s', async (_name, files, env, projectName, expected) => {
    const { project } = await load({ files, env, options: projectName === undefined ? {} : { projectName } });
    expect(project.name).toBe(expected);
    expect(project.environment['COMPOSE_PROJECT_NAME']).toBe(expected);
  });

  it('the last file naming the project wins', async () => {
    const { project } = await load({
      files: { 'compose.yaml': 'name: first\nservices: {web: {image: x}}', 'o.yaml': 'name: second' },
      main: ['compose.yaml', 'o.yaml'],
    });
    expect(project.name).toBe('second');
  });

  it('COMPOSE_PROJECT_NAME is available to interpolation', async () => {
    const { project } = await load({
      files: { 'compose.yaml': 'name: demo\nservices: {web: {image: "${COMPOSE_PROJECT_NAME}-web"}}' },
    });
    expect(project.services['web']?.image).toBe('demo-web');
  });

  it.each([['MyApp'], ['my app'], ['_x']])(
    'an explicit name %j is validated, not rewritten',
    async (name) => {
      await expect(load({ files: stack(), options: { projectName: name } })).rejects.toThrow(SpecError);
      await expect(load({ files: stack(), options: { projectName: name } })).rejects.toThrow(
        /invalid project name/,
      );
    },
  );

  it('a name: without any valid character is an error', async () => {
    await expect(load({ files: stack('"!!!"') })).rejects.toThrow(/project name must not be empty/);
  });
});
