import { describe, expect, it } from 'vitest';
import { nativeErrorMessage } from '../../../src/engine/runtime.js';

describe('native error messages', () => {
  it.each([
    [
      'a JSON error line',
      '{"level":"error","msg":"unpack `/x`: corrupt header"}\n',
      'unpack `/x`: corrupt header',
    ],
    ['the last error wins', '{"level":"error","msg":"first"}\n{"level":"error","msg":"second"}\n', 'second'],
    ['debug lines are skipped', '{"level":"error","msg":"real"}\n{"level":"debug","msg":"noise"}\n', 'real'],
    [
      'plain text',
      'tscompose-native: verb `unpack` is not available in this build\n',
      'tscompose-native: verb `unpack` is not available in this build',
    ],
    ['nothing', '', undefined],
  ])('%s', (_n, stderr, message) => {
    expect(nativeErrorMessage(stderr)).toBe(message);
  });
});
