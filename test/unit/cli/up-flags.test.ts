import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/run-cli.js';

/** Flag combinations `up` (and friends) refuse before touching anything: exit 2 with a message. */
describe('project commands: refused flag combinations', () => {
  it.each<[string, string[], RegExp]>([
    [
      '--force-recreate with --no-recreate',
      ['up', '--force-recreate', '--no-recreate'],
      /--force-recreate and --no-recreate exclude each other/,
    ],
    ['-d with --abort-on-container-exit', ['up', '-d', '--abort-on-container-exit'], /need attached mode/],
    ['--wait with --exit-code-from', ['up', '--wait', '--exit-code-from', 'web'], /need attached mode/],
    [
      '--abort-on-container-exit with --abort-on-container-failure',
      ['up', '--abort-on-container-exit', '--abort-on-container-failure'],
      /exclude each other/,
    ],
    ['--watch with --dry-run', ['up', '--watch', '--dry-run'], /--watch and --dry-run exclude each other/],
    ['--scale without a number', ['up', '--scale', 'web'], /--scale: expected SERVICE=NUM, got "web"/],
    ['-t that is not a number', ['up', '-t', 'soon'], /--timeout: expected a number of seconds, got "soon"/],
    [
      'ps --status that is not a state',
      ['ps', '--status', 'sleeping'],
      /--status: expected one of created, running/,
    ],
    [
      'ps --filter other than status',
      ['ps', '--filter', 'name=x'],
      /--filter: only status=STATE is supported/,
    ],
    [
      'logs --tail that is not a number',
      ['logs', '--tail', 'some'],
      /--tail: expected a number of lines or "all"/,
    ],
    ['port out of range', ['port', 'web', '70000'], /port: expected a port number \(1-65535\)/],
    ['plan with both recreate flags', ['plan', '--force-recreate', '--no-recreate'], /exclude each other/],
  ])('%s', async (_name, args, message) => {
    const r = await runCliInProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
