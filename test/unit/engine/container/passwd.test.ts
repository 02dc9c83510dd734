import { describe, expect, it } from 'vitest';
import { parsePasswd, resolveUser } from '../../../../src/engine/container/passwd.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'app:x:1000:1000:app:/home/app:/bin/sh',
  'broken:x:notanumber:1:::',
  '# comment',
  '',
].join('\n');
const GROUP = ['root:x:0:', 'app:x:1000:', 'extra:x:2000:app,other', 'tty:x:5:'].join('\n');

describe('user resolution from the image’s passwd/group', () => {
  it('skips malformed lines', () => {
    expect(parsePasswd(PASSWD).map((e) => e.name)).toEqual(['root', 'app']);
  });

  it.each([
    ['absent = root', undefined, [], { uid: 0, gid: 0, additionalGids: [0], home: '/root' }],
    ['a name', 'app', [], { uid: 1000, gid: 1000, additionalGids: [1000, 2000], home: '/home/app' }],
    ['a listed uid', '1000', [], { uid: 1000, gid: 1000, additionalGids: [1000, 2000] }],
    ['an unlisted uid runs with gid 0', '4242', [], { uid: 4242, gid: 0, additionalGids: [0] }],
    ['name:group', 'app:tty', [], { uid: 1000, gid: 5, additionalGids: [5, 2000] }],
    ['uid:gid', '7:8', [], { uid: 7, gid: 8, additionalGids: [8] }],
    [
      'group_add by name and number',
      'app',
      ['tty', '77'],
      { uid: 1000, gid: 1000, additionalGids: [1000, 2000, 5, 77] },
    ],
  ])('%s', (_n, user, groupAdd, expected) => {
    expect(resolveUser(user, PASSWD, GROUP, groupAdd)).toMatchObject(expected);
  });

  it.each([
    ['an unknown name', 'nobody2', 'CONTAINER_USER_NOT_FOUND'],
    ['an unknown group', 'app:nogroup', 'CONTAINER_GROUP_NOT_FOUND'],
    ['an empty part', 'app:', 'CONTAINER_USER_INVALID'],
  ])('refuses %s', (_n, user, code) => {
    expect(() => resolveUser(user, PASSWD, GROUP)).toThrow(expect.objectContaining({ code }));
  });

  it('works without passwd and group files (numeric users only)', () => {
    expect(resolveUser('12:34', undefined, undefined)).toEqual({ uid: 12, gid: 34, additionalGids: [34] });
    expect(() => resolveUser('app', undefined, undefined)).toThrow(/no matching entries in \/etc\/passwd/);
  });
});
