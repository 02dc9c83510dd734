import { describe, expect, it } from 'vitest';
import {
  MissingVariableError,
  TemplateSyntaxError,
  extractVariables,
  substitute,
} from '../../../../src/spec/interpolation/template.js';

const ENV: Record<string, string> = {
  FOO: 'foo',
  BAR: 'bar',
  EMPTY: '',
  NUM: '42',
  lower: 'low',
  _UNDER: 'under',
  A1: 'a-one',
  SPACE: 'with space',
  DOLLAR: '$x',
};
const lookup = (name: string): string | undefined => (Object.hasOwn(ENV, name) ? ENV[name] : undefined);

describe('substitute', () => {
  it.each([
    ['plain text', 'hello', 'hello'],
    ['no variables with braces', '{a: b}', '{a: b}'],
    ['$VAR', '$FOO', 'foo'],
    ['${VAR}', '${FOO}', 'foo'],
    ['inside text', 'a-${FOO}-b', 'a-foo-b'],
    ['$VAR stops at non-name char', '$FOO.bar', 'foo.bar'],
    ['$VAR greedy name', '$FOOBAR', ''],
    ['two variables', '${FOO}${BAR}', 'foobar'],
    ['lower-case name', '$lower', 'low'],
    ['underscore start', '${_UNDER}', 'under'],
    ['digit inside name', '${A1}', 'a-one'],
    ['$$ escapes', '$$FOO', '$FOO'],
    ['$$ alone', 'cost: $$5', 'cost: $5'],
    ['$${} stays literal', '$${FOO}', '${FOO}'],
    ['triple $', '$$$FOO', '$foo'],
    ['$ at end', 'price$', 'price$'],
    ['$ before digit stays', '$1 and $2', '$1 and $2'],
    ['$ before space stays', 'a $ b', 'a $ b'],
    ['$ before dash stays', '$-x', '$-x'],
    [':- with unset', '${NOPE:-def}', 'def'],
    [':- with empty', '${EMPTY:-def}', 'def'],
    [':- with set', '${FOO:-def}', 'foo'],
    ['- with unset', '${NOPE-def}', 'def'],
    ['- with empty keeps empty', '${EMPTY-def}', ''],
    ['- with set', '${FOO-def}', 'foo'],
    [':+ with set', '${FOO:+alt}', 'alt'],
    [':+ with empty', '${EMPTY:+alt}', ''],
    [':+ with unset', '${NOPE:+alt}', ''],
    ['+ with set', '${FOO+alt}', 'alt'],
    ['+ with empty (set)', '${EMPTY+alt}', 'alt'],
    ['+ with unset', '${NOPE+alt}', ''],
    [':? with set', '${FOO:?must}', 'foo'],
    ['? with empty passes', '${EMPTY?must}', ''],
    ['empty default', '${NOPE:-}', ''],
    ['default with spaces', '${NOPE:-a b c}', 'a b c'],
    ['default with colon', '${NOPE:-host:80}', 'host:80'],
    ['default with dash', '${NOPE:-a-b}', 'a-b'],
    ['default is a variable', '${NOPE:-$FOO}', 'foo'],
    ['nested default', '${NOPE:-${FOO}}', 'foo'],
    ['nested default, inner unset', '${NOPE:-${NADA:-x}}', 'x'],
    ['three levels', '${A_:-${B_:-${C_:-deep}}}', 'deep'],
    ['nested with text after', '${NOPE:-${FOO}}-tail', 'foo-tail'],
    ['alternate uses variable', '${FOO:+[$BAR]}', '[bar]'],
    ['default keeps $$', '${NOPE:-$$literal}', '$literal'],
    ['braces in default', '${NOPE:-{x}}', '{x}'],
    ['two expressions', '${NOPE:-a}/${FOO:-b}', 'a/foo'],
    ['value with space', 'x=${SPACE}', 'x=with space'],
    ['value with $ not re-expanded', '${DOLLAR}', '$x'],
    ['number value', 'port ${NUM}', 'port 42'],
    ['unicode around', 'é${FOO}é', 'éfooé'],
  ])('%s: %s', (_name, template, expected) => {
    expect(substitute(template, lookup)).toBe(expected);
  });

  it.each([
    ['${}', '${}'],
    ['${ FOO}', '${ FOO}'],
    ['${1ABC}', '${1ABC}'],
    ['${FOO', '${FOO'],
    ['${FOO/a/b} (bash replace)', '${FOO/a/b}'],
    ['${FOO:x} (unknown op)', '${FOO:x}'],
    ['${FOO^^} (bash case)', '${FOO^^}'],
    ['${FOO#pre}', '${FOO#pre}'],
    ['text ${', 'text ${'],
    ['default spanning a line break', '${NOPE:-a\nb}'],
  ])('rejects %s', (_name, template) => {
    expect(() => substitute(template, lookup)).toThrow(TemplateSyntaxError);
  });

  it.each([
    [
      '${NOPE:?msg} unset',
      '${NOPE:?is required}',
      'NOPE',
      'required variable NOPE is missing a value: is required',
    ],
    [
      '${EMPTY:?msg} empty',
      '${EMPTY:?is required}',
      'EMPTY',
      'required variable EMPTY is missing a value: is required',
    ],
    ['${NOPE?msg} unset', '${NOPE?gone}', 'NOPE', 'required variable NOPE is missing a value: gone'],
    ['${NOPE:?} without message', '${NOPE:?}', 'NOPE', 'required variable NOPE is missing a value'],
    [
      'message interpolated',
      '${NOPE:?set it, $FOO}',
      'NOPE',
      'required variable NOPE is missing a value: set it, foo',
    ],
  ])('fails for %s', (_name, template, variable, message) => {
    let error: unknown;
    try {
      substitute(template, lookup);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MissingVariableError);
    expect((error as MissingVariableError).variable).toBe(variable);
    expect((error as Error).message).toBe(message);
  });

  it.each([
    ['$UNSET', '$UNSET', ['UNSET']],
    ['${UNSET}', '${UNSET}', ['UNSET']],
    ['two unset', '$A_ ${B_}', ['A_', 'B_']],
    ['default: no warning', '${UNSET:-x}', []],
    ['alternate: no warning', '${UNSET:+x}', []],
    ['set: no warning', '$FOO', []],
    ['unset inside a used default', '${UNSET:-$INNER}', ['INNER']],
  ])('warns for %s', (_name, template, expected) => {
    const unset: string[] = [];
    substitute(template, lookup, { onUnset: (n) => unset.push(n) });
    expect(unset).toEqual(expected);
  });
});

describe('extractVariables', () => {
  it.each([
    ['plain', 'x', []],
    ['$VAR', '$FOO', [{ name: 'FOO', defaultValue: '', presenceValue: '', required: false }]],
    ['default', '${A:-1}', [{ name: 'A', defaultValue: '1', presenceValue: '', required: false }]],
    ['hard default', '${A-1}', [{ name: 'A', defaultValue: '1', presenceValue: '', required: false }]],
    ['required', '${A:?x}', [{ name: 'A', defaultValue: '', presenceValue: '', required: true }]],
    ['alternate', '${A:+y}', [{ name: 'A', defaultValue: '', presenceValue: 'y', required: false }]],
    [
      'nested',
      '${A:-${B}}',
      [
        { name: 'A', defaultValue: '${B}', presenceValue: '', required: false },
        { name: 'B', defaultValue: '', presenceValue: '', required: false },
      ],
    ],
    ['escaped', '$$A', []],
  ])('%s', (_name, template, expected) => {
    expect(extractVariables(template)).toEqual(expected);
  });
});
