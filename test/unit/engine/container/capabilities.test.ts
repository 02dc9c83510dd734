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

  it('leaves out capabilities the kernel does not know', () => {
    expect(resolveCapabilities({ privileged: true }, 37)).toHaveLength(38);
    expect(resolveCapabilities({ capAdd: ['CHECKPOINT_RESTORE'] }, 37)).not.toContain(
      'CAP_CHECKPOINT_RESTORE',
    );
  });
});
