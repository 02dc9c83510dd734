import { describe, expect, it } from 'vitest';
import { ByteSizeSyntaxError, parseByteSize } from '../../../../src/spec/values/byte-size.js';
import {
  DurationSyntaxError,
  formatDuration,
  normalizeDuration,
  parseDuration,
} from '../../../../src/spec/values/duration.js';
import { ShellWordsError, splitShellWords } from '../../../../src/spec/values/shell-words.js';

describe('durations (Go time.ParseDuration + d/w, printed as Go prints them)', () => {
  it.each([
    ['10s', '10s'],
    ['60s', '1m0s'],
    ['90s', '1m30s'],
    ['1m', '1m0s'],
    ['1h', '1h0m0s'],
    ['1h30m', '1h30m0s'],
    ['1.5s', '1.5s'],
    ['1500ms', '1.5s'],
    ['500ms', '500ms'],
    ['1us', '1µs'],
    ['1µs', '1µs'],
    ['2500ns', '2.5µs'],
    ['1ns', '1ns'],
    ['0', '0s'],
    ['0s', '0s'],
    ['1d', '24h0m0s'],
    ['1w', '168h0m0s'],
    ['1h0m0.001s', '1h0m0.001s'],
    ['.5s', '500ms'],
    ['-5s', '-5s'],
    ['1m30.5s', '1m30.5s'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeDuration(input)).toBe(expected);
  });

  it.each([['10'], ['abc'], ['10x'], [''], ['1.s.s'], ['s']])('rejects %j', (input) => {
    expect(() => parseDuration(input)).toThrow(DurationSyntaxError);
  });

  it('formats large durations exactly', () => {
    expect(formatDuration(100n * 3600n * 1_000_000_000n + 1n)).toBe('100h0m0.000000001s');
  });
});

describe('byte sizes (docker/go-units RAMInBytes)', () => {
  it.each([
    ['1024', 1024],
    ['-1', -1],
    ['0', 0],
    ['1b', 1],
    ['1k', 1024],
    ['1K', 1024],
    ['1kb', 1024],
    ['1KiB', 1024],
    ['50M', 52428800],
    ['1g', 1073741824],
    ['1.5g', 1610612736],
    ['2 GB', 2147483648],
    ['1t', 1099511627776],
    ['1p', 1125899906842624],
    ['10.5k', 10752],
  ])('%s → %d', (input, expected) => {
    expect(parseByteSize(input)).toBe(expected);
  });

  it.each([['abc'], ['1x'], ['1kbb'], ['1bb'], ['g'], ['1 gigabyte']])('rejects %j', (input) => {
    expect(() => parseByteSize(input)).toThrow(ByteSizeSyntaxError);
  });
});

describe('shell words (command/entrypoint strings)', () => {
  it.each([
    ['simple', 'echo hello', ['echo', 'hello']],
    ['extra spaces', '  a   b  ', ['a', 'b']],
    ['tabs and newlines', 'a\tb\nc', ['a', 'b', 'c']],
    ['double quotes', 'sh -c "echo a b"', ['sh', '-c', 'echo a b']],
    ['single quotes', "echo 'a  b'", ['echo', 'a  b']],
    ['empty quotes make an argument', 'a "" b', ['a', '', 'b']],
    ['escaped space', 'a\\ b', ['a b']],
    ['backslash in single quotes kept', "'a\\b'", ['a\\b']],
    ['escaped quote in double quotes', '"say \\"hi\\""', ['say "hi"']],
    ['quotes join words', 'a"b c"d', ['ab cd']],
    ['stops at &&', 'a && b', ['a']],
    ['stops at pipe', 'cat f | grep x', ['cat', 'f']],
    ['stops at ;', 'a; b', ['a']],
    ['stops at redirect', 'echo x > f', ['echo', 'x']],
    ['operators quoted are kept', "sh -c 'a && b'", ['sh', '-c', 'a && b']],
    ['dollar kept', 'echo $HOME', ['echo', '$HOME']],
    ['empty string', '', []],
  ])('%s', (_name, input, expected) => {
    expect(splitShellWords(input)).toEqual(expected);
  });

  it.each([['"open'], ["'open"], ['trailing\\']])('rejects %j', (input) => {
    expect(() => splitShellWords(input)).toThrow(ShellWordsError);
  });
});
