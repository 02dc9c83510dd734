import { describe, expect, it } from 'vitest';
import {
  ALL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  normalizeCapability,
  resolveCapabilities,
} from '../../../../src/engine/container/capabilities.js';

describe('capabilities', () => {
  it('the default set is Docker’s 14 (engine-anchors §1.4)', () => {
    expect([...DEFAULT_CAPABILITIES].sort()).toEqual(
      [
        'CAP_AUDIT_WRITE',
        'CAP_CHOWN',
        'CAP_DAC_OVERRIDE',
        'CAP_FOWNER',
        'CAP_FSETID',
        'CAP_KILL',
        'CAP_MKNOD',
        'CAP_NET_BIND_SERVICE',
        'CAP_NET_RAW',
        'CAP_SETFCAP',
        'CAP_SETGID',
        'CAP_SETPCAP',
        'CAP_SETUID',
        'CAP_SYS_CHROOT',
      ].sort(),
    );
    expect(ALL_CAPABILITIES).toHaveLength(41);
    expect(ALL_CAPABILITIES[21]).toBe('CAP_SYS_ADMIN');
  });

  it.each([
    ['net_admin', 'CAP_NET_ADMIN'],
    ['NET_ADMIN', 'CAP_NET_ADMIN'],
    ['CAP_SYS_PTRACE', 'CAP_SYS_PTRACE'],
    ['all', 'ALL'],
  ])('normalizes %s', (input, out) => expect(normalizeCapability(input)).toBe(out));

  it('refuses an unknown capability', () => {
    expect(() => normalizeCapability('FLY')).toThrow(
      expect.objectContaining({ code: 'CONTAINER_CAPABILITY_INVALID' }),
    );
  });

  it.each([
    ['defaults', {}, [...DEFAULT_CAPABILITIES]],
    ['add one', { capAdd: ['NET_ADMIN'] }, [...DEFAULT_CAPABILITIES, 'CAP_NET_ADMIN']],
    ['drop one', { capDrop: ['MKNOD'] }, DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_MKNOD')],
    ['drop all, add one', { capDrop: ['ALL'], capAdd: ['CHOWN'] }, ['CAP_CHOWN']],
    ['add and drop the same: kept', { capAdd: ['KILL'], capDrop: ['KILL'] }, [...DEFAULT_CAPABILITIES]],
    [
      'add all, drop one',
      { capAdd: ['ALL'], capDrop: ['SYS_ADMIN'] },
      ALL_CAPABILITIES.filter((c) => c !== 'CAP_SYS_ADMIN'),
    ],
    ['privileged', { privileged: true, capDrop: ['ALL'] }, [...ALL_CAPABILITIES]],
  ])('%s', (_name, o, expected) => {
    expect(resolveCapabilities(o).sort()).toEqual([...expected].sort());
  });

  const kernel37 = { known: ALL_CAPABILITIES.slice(0, 38), held: ALL_CAPABILITIES.slice(0, 38) };
  it('leaves out capabilities the kernel does not know', () => {
    expect(resolveCapabilities({ privileged: true }, kernel37)).toHaveLength(38);
    expect(resolveCapabilities({ capAdd: ['CHECKPOINT_RESTORE'] }, kernel37)).not.toContain(
      'CAP_CHECKPOINT_RESTORE',
    );
  });

  // This VM's engine has no CAP_SYS_RESOURCE in its bounding set.
  const withheld = {
    known: ALL_CAPABILITIES,
    held: ALL_CAPABILITIES.filter((c) => c !== 'CAP_SYS_RESOURCE'),
  };
  it.each([
    ['privileged gets what the engine holds', { privileged: true }, false],
    ['cap_add ALL gets what the engine holds', { capAdd: ['ALL'] }, false],
    ['an explicit cap_add is kept, for the runtime to refuse clearly', { capAdd: ['SYS_RESOURCE'] }, true],
  ])('%s', (_name, o, hasResource) => {
    const caps = resolveCapabilities(o, withheld);
    expect(caps.includes('CAP_SYS_RESOURCE')).toBe(hasResource);
    if (!hasResource) expect(caps).toHaveLength(ALL_CAPABILITIES.length - 1);
  });
});
