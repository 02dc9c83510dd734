import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from '../../../../src/engine/image/registry/www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it.each([
    [
      'Docker Hub bearer',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:samalba/my-app:pull,push',
          },
        },
      ],
    ],
    ['basic', 'Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'spaces around =',
      'Bearer realm = "r" , service= s',
      [{ scheme: 'bearer', params: { realm: 'r', service: 's' } }],
    ],
    [
      'escaped quote',
      'Basic realm="a \\"quoted\\" realm"',
      [{ scheme: 'basic', params: { realm: 'a "quoted" realm' } }],
    ],
    [
      'two challenges in one header',
      'Basic realm="b", Bearer realm="https://t/token",service="svc"',
      [
        { scheme: 'basic', params: { realm: 'b' } },
        { scheme: 'bearer', params: { realm: 'https://t/token', service: 'svc' } },
      ],
    ],
    [
      'insufficient scope error',
      'Bearer realm="https://t",service="s",scope="repository:a:pull repository:b:pull",error="insufficient_scope"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://t',
            service: 's',
            scope: 'repository:a:pull repository:b:pull',
            error: 'insufficient_scope',
          },
        },
      ],
    ],
    ['scheme only', 'Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['token68', 'Negotiate YWJjZA==', [{ scheme: 'negotiate', params: { token68: 'YWJjZA==' } }]],
    ['case of names', 'BEARER Realm="x"', [{ scheme: 'bearer', params: { realm: 'x' } }]],
    ['empty', '', []],
    [
      'garbage after a valid challenge is dropped',
      'Basic realm="x", @@@',
      [{ scheme: 'basic', params: { realm: 'x' } }],
    ],
  ])('%s', (_name, header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });

  it('reads several header values', () => {
    expect(parseWwwAuthenticate(['Basic realm="a"', 'Bearer realm="b"']).map((c) => c.scheme)).toEqual([
      'basic',
      'bearer',
    ]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });
});
