import { describe, expect, it } from 'vitest';
import {
  familiarReference,
  formatReference,
  parseReference,
} from '../../../../src/engine/image/reference.js';

const D = 'sha256:' + 'a'.repeat(64);

describe('parseReference: Docker normalization', () => {
  it.each([
    ['bare name', 'redis', 'docker.io/library/redis:latest', 'redis:latest'],
    ['name and tag', 'redis:7-alpine', 'docker.io/library/redis:7-alpine', 'redis:7-alpine'],
    ['user repository', 'bitnami/redis:7', 'docker.io/bitnami/redis:7', 'bitnami/redis:7'],
    ['nested path on hub', 'a/b/c', 'docker.io/a/b/c:latest', 'a/b/c:latest'],
    ['explicit docker.io', 'docker.io/redis', 'docker.io/library/redis:latest', 'redis:latest'],
    ['index.docker.io', 'index.docker.io/library/redis:6', 'docker.io/library/redis:6', 'redis:6'],
    [
      'docker.io user repo',
      'docker.io/bitnami/redis',
      'docker.io/bitnami/redis:latest',
      'bitnami/redis:latest',
    ],
    ['localhost', 'localhost/app', 'localhost/app:latest', 'localhost/app:latest'],
    ['localhost with port', 'localhost:5000/app:1.0', 'localhost:5000/app:1.0', 'localhost:5000/app:1.0'],
    ['registry with dot', 'ghcr.io/org/app:v1', 'ghcr.io/org/app:v1', 'ghcr.io/org/app:v1'],
    ['ip and port', '127.0.0.1:5000/x/y', '127.0.0.1:5000/x/y:latest', '127.0.0.1:5000/x/y:latest'],
    ['ipv6 with port', '[::1]:5000/app', '[::1]:5000/app:latest', '[::1]:5000/app:latest'],
    ['uppercase first component is a host', 'Registry/app', 'Registry/app:latest', 'Registry/app:latest'],
    ['digest only', `redis@${D}`, `docker.io/library/redis@${D}`, `redis@${D}`],
    ['tag and digest', `redis:7@${D}`, `docker.io/library/redis:7@${D}`, `redis:7@${D}`],
    ['host with digest', `ghcr.io/org/app@${D}`, `ghcr.io/org/app@${D}`, `ghcr.io/org/app@${D}`],
    ['separators', 'org/a.b_c__d-e---f', 'docker.io/org/a.b_c__d-e---f:latest', 'org/a.b_c__d-e---f:latest'],
    ['tag with dots and dashes', 'x:1.2.3-rc_1', 'docker.io/library/x:1.2.3-rc_1', 'x:1.2.3-rc_1'],
    [
      'tag of 128 characters',
      `x:${'t'.repeat(128)}`,
      `docker.io/library/x:${'t'.repeat(128)}`,
      `x:${'t'.repeat(128)}`,
    ],
  ])('%s: %s', (_name, input, canonical, familiar) => {
    const ref = parseReference(input);
    expect(formatReference(ref)).toBe(canonical);
    expect(familiarReference(ref)).toBe(familiar);
  });

  it('keeps a reference without tag untagged when asked', () => {
    expect(parseReference('redis', { defaultTag: false })).toEqual({
      domain: 'docker.io',
      path: 'library/redis',
    });
  });

  it.each([
    ['empty', '', /invalid reference format/],
    ['uppercase repository', 'Foo', /must be lowercase|invalid/],
    ['uppercase after host', 'ghcr.io/Org/app', /must be lowercase/],
    ['uppercase in path on hub', 'library/Redis', /must be lowercase/],
    ['64 hex digits', 'a'.repeat(64), /image id/],
    ['bad tag character', 'redis:a+b', /bad tag/],
    ['tag too long', `x:${'t'.repeat(129)}`, /bad tag/],
    ['tag starting with dot', 'x:.a', /bad tag/],
    ['bad digest', 'redis@sha256:xyz', /bad digest/],
    ['short digest', 'redis@sha256:abc', /bad digest/],
    ['double slash', 'a//b', /bad repository name/],
    ['trailing slash', 'a/', /bad repository name/],
    ['leading separator', '-a/b', /bad repository name/],
    ['space', 'red is', /invalid reference format/],
    ['surrounding space', ' redis', /invalid reference format/],
    ['separator run of dots', 'a..b', /bad repository name/],
    ['bad host', 'exa_mple.com/app', /bad registry host/],
    ['a dotted first component is a host', 'a.b_c/x', /bad registry host/],
    ['too long', `${'a'.repeat(250)}/b/c`, /at most 255/],
  ])('refuses %s', (_name, input, message) => {
    expect(() => parseReference(input)).toThrow(message);
    try {
      parseReference(input);
    } catch (err) {
      expect((err as { code: string }).code).toBe('IMAGE_REFERENCE_INVALID');
    }
  });
});
