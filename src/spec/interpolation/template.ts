/**
 * Compose's variable substitution (`${VAR}`, `$VAR`, the `:-` `-` `:?` `?` `:+` `+` operators,
 * nested defaults, `$$`), as compose-go's template package behaves, including its corners:
 * - names are `[_a-zA-Z][_a-zA-Z0-9]*`; a `$` not followed by a name, `{` or `$` stays literal;
 * - a `${` that does not form `${NAME}` or `${NAME<op>...}` on one line is an error;
 * - the text after the operator ends at the matching `}` (braces nest) and is itself substituted;
 * - `${VAR:+alt}` with VAR unset or empty gives "" (no warning), `${VAR}` unset warns and gives "".
 */

/** Looks a variable up; `undefined` = not set (distinct from set-but-empty). */
export type VariableLookup = (name: string) => string | undefined;

export class TemplateSyntaxError extends Error {
  constructor(readonly template: string) {
    super(`invalid interpolation format: ${JSON.stringify(template)}`);
  }
}

export class MissingVariableError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(
      reason === ''
        ? `required variable ${variable} is missing a value`
        : `required variable ${variable} is missing a value: ${reason}`,
    );
  }
}

export interface SubstituteOptions {
  /** Called for each `$VAR`/`${VAR}` that is unset and has no default. */
  readonly onUnset?: (name: string) => void;
}

const NAME_START = /[_a-zA-Z]/;
const NAME_CHAR = /[_a-zA-Z0-9]/;
const BRACED = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-+?])([^\n]*))?$/;

/** Substitutes every variable in `template`. Throws TemplateSyntaxError or MissingVariableError. */
export function substitute(
  template: string,
  lookup: VariableLookup,
  options: SubstituteOptions = {},
): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0 || dollar === template.length - 1) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    const next = template[dollar + 1] as string;
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (NAME_START.test(next)) {
      let end = dollar + 2;
      while (end < template.length && NAME_CHAR.test(template[end] as string)) end++;
      out += valueOf(template.slice(dollar + 1, end), lookup, options);
      i = end;
    } else if (next === '{') {
      const close = closingBrace(template, dollar);
      if (close < 0) throw new TemplateSyntaxError(template);
      out += braced(template.slice(dollar + 2, close), template, lookup, options);
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

function valueOf(name: string, lookup: VariableLookup, options: SubstituteOptions): string {
  const value = lookup(name);
  if (value === undefined) {
    options.onUnset?.(name);
    return '';
  }
  return value;
}

/**
 * Index of the `}` closing the `${` at `start`, counting nested braces the way compose-go does
 * (each `{` opens a level and the character after it is skipped).
 */
function closingBrace(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
    if (c === '{') {
      depth++;
      i++;
    }
  }
  return -1;
}

function braced(inner: string, template: string, lookup: VariableLookup, options: SubstituteOptions): string {
  const m = BRACED.exec(inner);
  if (!m) throw new TemplateSyntaxError(template);
  const name = m[1] as string;
  const op = m[2];
  const arg = m[3] ?? '';
  if (op === undefined) return valueOf(name, lookup, options);
  const value = lookup(name);
  const isSet = value !== undefined;
  const isNonEmpty = isSet && value !== '';
  switch (op) {
    case ':-':
      return isNonEmpty ? value : substitute(arg, lookup, options);
    case '-':
      return isSet ? value : substitute(arg, lookup, options);
    case ':+':
      return isNonEmpty ? substitute(arg, lookup, options) : (value ?? '');
    case '+':
      return isSet ? substitute(arg, lookup, options) : '';
    case ':?':
      if (isNonEmpty) return value;
      throw new MissingVariableError(name, substitute(arg, lookup, options));
    case '?':
      if (isSet) return value;
      throw new MissingVariableError(name, substitute(arg, lookup, options));
    default:
      throw new TemplateSyntaxError(template);
  }
}

/** A variable a stack file refers to, as `config --variables` lists it. */
export interface TemplateVariable {
  readonly name: string;
  readonly defaultValue: string;
  readonly presenceValue: string;
  readonly required: boolean;
}

/**
 * Lists the variables used in `template` (including those inside defaults), without resolving
 * anything. Malformed templates contribute what can be read from them.
 */
export function extractVariables(template: string): TemplateVariable[] {
  const found: TemplateVariable[] = [];
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0 || dollar === template.length - 1) break;
    const next = template[dollar + 1] as string;
    if (next === '$') {
      i = dollar + 2;
    } else if (NAME_START.test(next)) {
      let end = dollar + 2;
      while (end < template.length && NAME_CHAR.test(template[end] as string)) end++;
      found.push({
        name: template.slice(dollar + 1, end),
        defaultValue: '',
        presenceValue: '',
        required: false,
      });
      i = end;
    } else if (next === '{') {
      const close = closingBrace(template, dollar);
      if (close < 0) break;
      const m = BRACED.exec(template.slice(dollar + 2, close));
      if (m) {
        const op = m[2] ?? '';
        const arg = m[3] ?? '';
        found.push({
          name: m[1] as string,
          defaultValue: op.endsWith('-') ? arg : '',
          presenceValue: op.endsWith('+') ? arg : '',
          required: op.endsWith('?'),
        });
        if (op !== '') found.push(...extractVariables(arg));
      }
      i = close + 1;
    } else {
      i = dollar + 1;
    }
  }
  return found;
}
