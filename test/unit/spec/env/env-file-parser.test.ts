import { describe, expect, it } from 'vitest';
import {
  EnvFileSyntaxError,
  parseEnvFile,
  parseRawEnvFile,
} from '../../../../src/spec/env/env-file-parser.js';

const OUTER: Record<string, string> = { OS_VAR: 'from-os', SHARED: 'os-wins' };
const lookup = (name: string): string | undefined => (Object.hasOwn(OUTER, name) ? OUTER[name] : undefined);

describe('parseEnvFile (Compose format)', () => {
  it.each([
    ['simple', 'A=1', { A: '1' }],
    ['several lines', 'A=1\nB=2\n', { A: '1', B: '2' }],
    ['CRLF line ends', 'A=1\r\nB=2\r\n', { A: '1', B: '2' }],
    ['spaces around =', 'A = 1', { A: '1' }],
    ['leading spaces on the line', '   A=1', { A: '1' }],
    ['trailing spaces trimmed', 'A=1   ', { A: '1' }],
    ['tab before value', 'A=\tv', { A: 'v' }],
    ['empty value', 'A=', { A: '' }],
    ['empty value with spaces', 'A =  ', { A: '' }],
    ['yaml-style colon', 'A: 1', { A: '1' }],
    ['colon without space', 'A:1', { A: '1' }],
    ['value with =', 'URL=a=b=c', { URL: 'a=b=c' }],
    ['value with colon', 'HOST=db:5432', { HOST: 'db:5432' }],
    ['export prefix', 'export A=1', { A: '1' }],
    ['export with several spaces', 'export   A=1', { A: '1' }],
    ['key named export', 'export=1', { export: '1' }],
    ['comment line', '# comment\nA=1', { A: '1' }],
    ['indented comment', '   # c\nA=1', { A: '1' }],
    ['blank lines', '\n\n A=1 \n\n', { A: '1' }],
    ['inline comment after space', 'A=1 # note', { A: '1' }],
    ['hash without space is value', 'A=1#2', { A: '1#2' }],
    ['hash in single quotes', "A='1 # 2'", { A: '1 # 2' }],
    ['hash in double quotes', 'A="1 # 2"', { A: '1 # 2' }],
    ['comment after quoted value', 'A="x" # c\nB=2', { A: 'x', B: '2' }],
    ['single quotes literal', "A='$OS_VAR'", { A: '$OS_VAR' }],
    ['single quotes keep backslash n', "A='a\\nb'", { A: 'a\\nb' }],
    ['escaped single quote', "A='it\\'s'", { A: "it's" }],
    ['double quotes interpolate', 'A="${OS_VAR}"', { A: 'from-os' }],
    ['double quote newline escape', 'A="a\\nb"', { A: 'a\nb' }],
    ['double quote tab escape', 'A="a\\tb"', { A: 'a\tb' }],
    ['double quote escaped quote', 'A="say \\"hi\\""', { A: 'say "hi"' }],
    ['double quote backslash', 'A="c:\\\\dir"', { A: 'c:\\dir' }],
    ['double quote \\$ is literal', 'A="\\$OS_VAR"', { A: '$OS_VAR' }],
    ['double quote octal escape', 'A="\\0101"', { A: 'A' }],
    ['double quote unknown escape kept', 'A="a\\qb"', { A: 'a\\qb' }],
    ['multi-line double quoted', 'A="line1\nline2"\nB=2', { A: 'line1\nline2', B: '2' }],
    ['multi-line single quoted', "A='l1\nl2'", { A: 'l1\nl2' }],
    ['empty double quotes', 'A=""', { A: '' }],
    ['empty single quotes', "A=''", { A: '' }],
    ['unquoted interpolation', 'A=$OS_VAR', { A: 'from-os' }],
    ['unquoted braces', 'A=${OS_VAR}-x', { A: 'from-os-x' }],
    ['default in value', 'A=${NOPE:-fallback}', { A: 'fallback' }],
    ['earlier key in value', 'A=1\nB=${A}2', { A: '1', B: '12' }],
    ['outer environment wins over own key', 'SHARED=file\nB=$SHARED', { SHARED: 'file', B: 'os-wins' }],
    ['$$ in unquoted value', 'A=$$x', { A: '$x' }],
    ['bare KEY takes outer value', 'OS_VAR\nB=2', { OS_VAR: 'from-os', B: '2' }],
    ['bare KEY unset is skipped', 'UNSET_X\nB=2', { B: '2' }],
    ['bare KEY at end of file', 'B=2\nOS_VAR', { B: '2', OS_VAR: 'from-os' }],
    ['later key wins', 'A=1\nA=2', { A: '2' }],
    ['dots in key', 'A.B=1', { 'A.B': '1' }],
    ['dashes in key', 'A-B=1', { 'A-B': '1' }],
    ['brackets in key', 'a[1]=c', { 'a[1]': 'c' }],
    ['unicode key', 'ÁRVÍZ=tükör', { ÁRVÍZ: 'tükör' }],
    ['byte order mark', '\uFEFFA=1', { A: '1' }],
    ['digits-only key', '456=ABC', { '456': 'ABC' }],
  ])('%s', (_name, text, expected) => {
    expect(parseEnvFile(text, {}, { lookup })).toEqual(expected);
  });

  it.each([
    ['space inside key', 'MY KEY=1', 1, 'key cannot contain a space'],
    ['invalid character', '%X=1', 1, 'unexpected character "%" in variable name "%X=1"'],
    ['invalid character on line 3', 'A=1\nB=2\nC$=3', 3, 'unexpected character "$" in variable name "C$=3"'],
    ['unterminated double quote', 'A="open', 1, 'unterminated quoted value "open'],
    ['unterminated single quote on line 2', "A=1\nB='x", 2, "unterminated quoted value 'x"],
  ])('rejects %s', (_name, text, line, reason) => {
    let error: unknown;
    try {
      parseEnvFile(text, {}, { lookup });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvFileSyntaxError);
    expect((error as EnvFileSyntaxError).line).toBe(line);
    expect((error as EnvFileSyntaxError).reason).toBe(reason);
  });

  it('reports unset variables used in values', () => {
    const unset: string[] = [];
    parseEnvFile('A=${NOPE}', {}, { lookup, onUnset: (n) => unset.push(n) });
    expect(unset).toEqual(['NOPE']);
  });
});

describe('parseRawEnvFile (format: raw)', () => {
  it.each([
    ['verbatim value', 'A="quoted" # not a comment', { A: '"quoted" # not a comment' }],
    ['no interpolation', 'A=$OS_VAR', { A: '$OS_VAR' }],
    ['comment line', '# c\nA=1', { A: '1' }],
    ['bare key looked up', 'OS_VAR', { OS_VAR: 'from-os' }],
    ['bare unset key skipped', 'NOPE', {}],
    ['leading whitespace trimmed', '  A=1', { A: '1' }],
  ])('%s', (_name, text, expected) => {
    expect(parseRawEnvFile(text, {}, lookup)).toEqual(expected);
  });

  it('rejects whitespace in a key', () => {
    expect(() => parseRawEnvFile('A B=1')).toThrow(/contains whitespaces/);
  });
});
