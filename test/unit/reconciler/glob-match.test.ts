import { describe, expect, it } from 'vitest';
import { DEFAULT_WATCH_IGNORES, globMatcher } from '../../../src/reconciler/watch/glob-match.js';

describe('develop.watch ignore/include patterns', () => {
  it.each<[string, string[], string, boolean]>([
    ['a name matches at any depth', ['node_modules'], 'a/node_modules/x.js', true],
    ['a name matches at the top', ['node_modules'], 'node_modules', true],
    ['* does not cross /', ['src/*.js'], 'src/a/b.js', false],
    ['* within a segment', ['src/*.js'], 'src/b.js', true],
    ['** crosses directories', ['src/**/*.js'], 'src/a/b/c.js', true],
    ['**/ also matches zero directories', ['src/**/*.js'], 'src/c.js', true],
    ['a leading / anchors at the rule path', ['/build'], 'build/out.o', true],
    ['an anchored pattern does not match deeper', ['/build'], 'src/build', false],
    ['? is one character', ['file?.txt'], 'file1.txt', true],
    ['character class', ['*.[ch]'], 'x/main.c', true],
    ['no match', ['*.tmp'], 'notes.txt', false],
    ['a directory pattern covers what is below', ['docs/'], 'docs/a/b.md', true],
    ['dots are literal', ['*.txt'], 'atxt', false],
  ])('%s', (_name, patterns, path, expected) => {
    expect(globMatcher(patterns)(path)).toBe(expected);
  });

  it.each([
    ['.git/objects/ab', true],
    ['src/.main.c.swp', true],
    ['src/main.c~', true],
    ['4913', true],
    ['.#lock', true],
    ['src/main.c', false],
  ])('default ignores: %s → %s', (path, expected) => {
    expect(globMatcher(DEFAULT_WATCH_IGNORES)(path)).toBe(expected);
  });
});
