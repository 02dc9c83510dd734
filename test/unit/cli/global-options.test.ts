import { describe, expect, it } from 'vitest';
import { resolveGlobalOptions } from '../../../src/cli/global-options.js';

describe('resolveGlobalOptions', () => {
  it.each([
    ['flag beats COMPOSE_FILE', { file: ['a.yml'] }, { COMPOSE_FILE: 'b.yml' }, 'files', ['a.yml']],
    ['COMPOSE_FILE split on :', {}, { COMPOSE_FILE: 'a.yml:b.yml' }, 'files', ['a.yml', 'b.yml']],
    [
      'COMPOSE_PATH_SEPARATOR',
      {},
      { COMPOSE_FILE: 'a.yml;b.yml', COMPOSE_PATH_SEPARATOR: ';' },
      'files',
      ['a.yml', 'b.yml'],
    ],
    ['no files = discover', {}, {}, 'files', []],
    [
      '-p beats COMPOSE_PROJECT_NAME',
      { projectName: 'x' },
      { COMPOSE_PROJECT_NAME: 'y' },
      'projectName',
      'x',
    ],
    ['COMPOSE_PROJECT_NAME', {}, { COMPOSE_PROJECT_NAME: 'y' }, 'projectName', 'y'],
    ['empty COMPOSE_PROJECT_NAME ignored', {}, { COMPOSE_PROJECT_NAME: '' }, 'projectName', undefined],
    ['COMPOSE_PROFILES split on ,', {}, { COMPOSE_PROFILES: 'a, b' }, 'profiles', ['a', 'b']],
    ['--profile beats COMPOSE_PROFILES', { profile: ['c'] }, { COMPOSE_PROFILES: 'a' }, 'profiles', ['c']],
    ['COMPOSE_DISABLE_ENV_FILE=1', {}, { COMPOSE_DISABLE_ENV_FILE: '1' }, 'disableEnvFile', true],
    ['COMPOSE_DISABLE_ENV_FILE=false', {}, { COMPOSE_DISABLE_ENV_FILE: 'false' }, 'disableEnvFile', false],
    ['TSCOMPOSE_ROOT', {}, { TSCOMPOSE_ROOT: '/x' }, 'root', '/x'],
    ['--root beats TSCOMPOSE_ROOT', { root: '/a' }, { TSCOMPOSE_ROOT: '/x' }, 'root', '/a'],
    ['parallel default unlimited', {}, {}, 'parallel', -1],
    ['COMPOSE_PARALLEL_LIMIT', {}, { COMPOSE_PARALLEL_LIMIT: '4' }, 'parallel', 4],
    ['progress default auto', {}, {}, 'progress', 'auto'],
  ] as const)('%s', (_name, raw, env, key, expected) => {
    expect(resolveGlobalOptions(raw as never, env)[key]).toEqual(expected);
  });

  it.each([
    ['bad progress', { progress: 'fancy' }, {}],
    ['parallel zero', { parallel: '0' }, {}],
    ['parallel text', {}, { COMPOSE_PARALLEL_LIMIT: 'many' }],
  ])('rejects %s with a usage error', (_name, raw, env) => {
    expect(() => resolveGlobalOptions(raw, env)).toThrow(/--(progress|parallel)/);
  });
});
