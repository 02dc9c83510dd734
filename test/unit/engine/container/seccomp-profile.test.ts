import { describe, expect, it } from 'vitest';
import { absoluteSeccompOption } from '../../../../src/common/seccomp-option.js';
import { seccompFromProfile } from '../../../../src/engine/container/seccomp-profile.js';

const host = { arch: 'x64', kernel: '6.1.0-13-amd64' };
const caps = ['CAP_CHOWN', 'CAP_NET_BIND_SERVICE'];

describe('seccomp profiles in Docker’s format', () => {
  it('keeps the default action, its errno and flags; archMap gives the host’s architecture and its sub-architectures', () => {
    const out = seccompFromProfile(
      {
        defaultAction: 'SCMP_ACT_ERRNO',
        defaultErrnoRet: 1,
        flags: ['SECCOMP_FILTER_FLAG_LOG'],
        archMap: [
          { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
          { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
        ],
        syscalls: [],
      },
      caps,
      host,
    );
    expect(out).toEqual({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [],
    });
    expect(
      seccompFromProfile(
        { defaultAction: 'SCMP_ACT_ALLOW', archMap: [{ architecture: 'SCMP_ARCH_X86_64' }] },
        caps,
        { arch: 'arm64', kernel: '6.1' },
      ).architectures,
    ).toEqual([]);
  });

  const call = (over: Record<string, unknown>) => ({ names: ['x'], action: 'SCMP_ACT_ALLOW', ...over });
  it.each([
    ['no filter', call({}), true],
    ['includes a held capability', call({ includes: { caps: ['CAP_CHOWN'] } }), true],
    ['includes one capability not held', call({ includes: { caps: ['CAP_CHOWN', 'CAP_SYS_ADMIN'] } }), false],
    ['includes this architecture', call({ includes: { arches: ['amd64', 'x32'] } }), true],
    ['includes other architectures', call({ includes: { arches: ['arm64'] } }), false],
    ['includes an older minimum kernel', call({ includes: { minKernel: '4.8' } }), true],
    ['includes a newer minimum kernel', call({ includes: { minKernel: '6.10' } }), false],
    ['includes the same kernel', call({ includes: { minKernel: '6.1' } }), true],
    ['excludes a held capability', call({ excludes: { caps: ['CAP_CHOWN'] } }), false],
    ['excludes a capability not held', call({ excludes: { caps: ['CAP_SYS_ADMIN'] } }), true],
    ['excludes this architecture', call({ excludes: { arches: ['amd64'] } }), false],
  ])('a syscall entry that %s applies: %s', (_what, entry, applies) => {
    const out = seccompFromProfile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [entry] }, caps, host);
    expect(out.syscalls).toHaveLength(applies ? 1 : 0);
  });

  it('takes `name` (older profiles), errnoRet and args; drops comments and empty args', () => {
    const out = seccompFromProfile(
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [
          { name: 'mkdir', action: 'SCMP_ACT_ERRNO', errnoRet: 13, comment: 'no' },
          {
            names: ['personality'],
            action: 'SCMP_ACT_ERRNO',
            args: [{ index: 0, value: 8, valueTwo: 0, op: 'SCMP_CMP_EQ' }],
          },
          { names: ['read'], action: 'SCMP_ACT_ALLOW', args: [] },
        ],
      },
      caps,
      host,
    );
    expect(out.syscalls).toEqual([
      { names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
      {
        names: ['personality'],
        action: 'SCMP_ACT_ERRNO',
        args: [{ index: 0, value: 8, valueTwo: 0, op: 'SCMP_CMP_EQ' }],
      },
      { names: ['read'], action: 'SCMP_ACT_ALLOW' },
    ]);
  });

  it.each([
    ['not an object', [], /expected a JSON object/],
    ['no default action', { syscalls: [] }, /defaultAction: required/],
    ['a listener (notify)', { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/x' }, /not supported/],
    ['syscalls not a list', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: {} }, /syscalls: expected a list/],
    [
      'an entry without names',
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ action: 'SCMP_ACT_ALLOW' }] },
      /syscalls\[0\]\.names/,
    ],
    [
      'bad includes',
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [call({ includes: { caps: 'CAP_X' } })] },
      /includes\.caps/,
    ],
  ])('refuses %s, naming the field', (_what, profile, message) => {
    expect(() => seccompFromProfile(profile, caps, host, '/p.json')).toThrow(
      expect.objectContaining({
        code: 'CONTAINER_SECCOMP_INVALID',
        message: expect.stringMatching(message) as unknown,
      }),
    );
  });
});

describe('seccomp option paths', () => {
  it.each([
    ['seccomp=p.json', 'seccomp=/proj/p.json'],
    ['seccomp:./sec/p.json', 'seccomp:/proj/sec/p.json'],
    ['seccomp=/etc/p.json', 'seccomp=/etc/p.json'],
    ['seccomp=unconfined', 'seccomp=unconfined'],
    ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}', 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'],
    ['apparmor=unconfined', 'apparmor=unconfined'],
  ])('%s → %s', (option, expected) => expect(absoluteSeccompOption(option, '/proj')).toBe(expected));
});
