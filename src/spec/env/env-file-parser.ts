import { substitute, type VariableLookup } from '../interpolation/template.js';

/** A syntax error in an env file, with the 1-based line it was found on. */
export class EnvFileSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export interface EnvFileParseOptions {
  /** Resolves `${VAR}` in values (checked before the file's own earlier keys) and bare `VAR` lines. */
  readonly lookup?: VariableLookup;
  readonly onUnset?: (name: string) => void;
}

/**
 * Parses Compose's env-file format into `into` (later keys win), as compose-go's dotenv does:
 * - `KEY=value`, `KEY: value`, an optional `export ` prefix; spaces around the separator ignored;
 * - `#` starts a comment at the start of a statement, and after a space in an unquoted value;
 * - unquoted values end at the line end and are interpolated; `'...'` is literal (only `\'` is an
 *   escape); `"..."` may span lines, knows `\n \t \\ \" \$ \a \b \f \r \v \0ooo` and is interpolated;
 * - a bare `KEY` takes the value of KEY from `lookup` and is skipped when unset;
 * - key names are letters, digits and `_ . - [ ]`.
 * One deviation: a bare `KEY` on the last line without a newline is treated like any bare `KEY`
 * (compose-go stores it under an empty key, which is a bug).
 */
export function parseEnvFile(
  text: string,
  into: Record<string, string> = {},
  options: EnvFileParseOptions = {},
): Record<string, string> {
  new EnvParser(options).parse(text.startsWith('\uFEFF') ? text.slice(1) : text, into);
  return into;
}

/**
 * The `format: raw` env files of `docker run --env-file`: one `KEY=VALUE` per line, taken verbatim
 * (no quotes, no interpolation); `#` lines are comments; a bare `KEY` is looked up.
 */
export function parseRawEnvFile(
  text: string,
  into: Record<string, string> = {},
  lookup?: VariableLookup,
): Record<string, string> {
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/^[ \t\r\n\f\v]+/, '').replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (/\s/.test(key)) throw new EnvFileSyntaxError(index + 1, `variable '${key}' contains whitespaces`);
    if (eq < 0) {
      const value = lookup?.(key);
      if (value !== undefined) into[key] = value;
      return;
    }
    into[key] = line.slice(eq + 1);
  });
  return into;
}

const KEY_PUNCTUATION = new Set(['_', '.', '-', '[', ']']);
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const EXPORT = /^export\s+/;
const ESCAPE = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;
const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '"': '"',
  '\\': '\\',
};

/** Space but not a line break (dotenv's isSpace). */
function isInlineSpace(c: string): boolean {
  return (
    c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === '\u0085' || c === '\u00a0'
  );
}

function isAnySpace(c: string): boolean {
  return /\s/u.test(c) || c === '\u0085';
}

class EnvParser {
  private line = 1;

  constructor(private readonly options: EnvFileParseOptions) {}

  parse(src: string, out: Record<string, string>): void {
    let rest = src;
    for (;;) {
      rest = this.statementStart(rest);
      if (rest === '') return;
      const { key, after, inherited } = this.keyName(rest);
      if (key.includes(' ')) throw new EnvFileSyntaxError(this.line, 'key cannot contain a space');
      if (inherited) {
        const value = this.options.lookup?.(key);
        if (value !== undefined) out[key] = value;
        rest = after;
        continue;
      }
      const { value, after: next } = this.value(after, out);
      out[key] = value;
      rest = next;
    }
  }

  /** Skips blank space and comment lines, counting line breaks. */
  private statementStart(src: string): string {
    let s = src;
    for (;;) {
      let i = 0;
      while (i < s.length && isAnySpace(s[i] as string)) {
        if (s[i] === '\n') this.line++;
        i++;
      }
      if (i === s.length) return '';
      s = s.slice(i);
      if (s[0] !== '#') return s;
      const nl = s.indexOf('\n');
      if (nl < 0) return '';
      s = s.slice(nl);
    }
  }

  private keyName(input: string): { key: string; after: string; inherited: boolean } {
    let src = input;
    if (EXPORT.test(src)) src = trimInlineStart(src.slice('export'.length));
    let key: string | undefined;
    let offset = 0;
    let inherited = false;
    let i = 0;
    for (const c of src) {
      if (isInlineSpace(c)) {
        i += c.length;
        continue;
      }
      if (c === '=' || c === ':' || c === '\n') {
        key = src.slice(0, i);
        offset = i + 1;
        inherited = c === '\n';
        break;
      }
      if (!KEY_PUNCTUATION.has(c) && !LETTER_OR_DIGIT.test(c)) {
        throw new EnvFileSyntaxError(
          this.line,
          `unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(src.split('\n')[0])}`,
        );
      }
      i += c.length;
    }
    if (key === undefined) {
      // A bare KEY at the end of the file, without a newline.
      return { key: src.trimEnd(), after: '', inherited: true };
    }
    if (inherited && !key.includes(' ')) this.line++;
    return { key: key.trimEnd(), after: trimInlineStart(src.slice(offset)), inherited };
  }

  private value(src: string, vars: Record<string, string>): { value: string; after: string } {
    const quote = src[0];
    if (quote !== '"' && quote !== "'") {
      const nl = src.indexOf('\n');
      let value = nl < 0 ? src : src.slice(0, nl);
      const after = nl < 0 ? '' : src.slice(nl + 1);
      this.line++;
      const comment = value.indexOf(' #');
      if (comment >= 0) value = value.slice(0, comment);
      return { value: this.expand(value.trimEnd(), vars), after };
    }
    let chars = '';
    let escaped = false;
    for (let i = 1; i < src.length; i++) {
      const c = src[i] as string;
      if (c === '\n') this.line++;
      if (c !== quote) {
        if (!escaped && c === '\\') {
          escaped = true;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += '\\';
        }
        chars += c;
        continue;
      }
      if (escaped) {
        escaped = false;
        chars += c;
        continue;
      }
      const value = quote === '"' ? this.expand(expandEscapes(chars), vars) : chars;
      return { value, after: src.slice(i + 1) };
    }
    const nl = src.indexOf('\n');
    throw new EnvFileSyntaxError(this.line, `unterminated quoted value ${nl < 0 ? src : src.slice(0, nl)}`);
  }

  private expand(value: string, vars: Record<string, string>): string {
    const lookup = this.options.lookup;
    return substitute(
      value,
      (name) => {
        const outer = lookup?.(name);
        if (outer !== undefined) return outer;
        return Object.hasOwn(vars, name) ? vars[name] : undefined;
      },
      { onUnset: this.options.onUnset },
    );
  }
}

function trimInlineStart(s: string): string {
  let i = 0;
  while (i < s.length && isInlineSpace(s[i] as string)) i++;
  return s.slice(i);
}

/** The shell escapes a double-quoted value knows; `\$` becomes `$$` (a literal `$` after substitution). */
function expandEscapes(s: string): string {
  return s.replace(ESCAPE, (match) => {
    if (match === '\\$') return '$$';
    const simple = ESCAPES[match.slice(1)];
    if (simple !== undefined) return simple;
    // `\0ooo`: exactly three octal digits after `\0` make one byte; anything else stays as written.
    const octal = /^\\0([0-7]{3})$/.exec(match);
    if (octal) {
      const code = parseInt(octal[1] as string, 8);
      if (code <= 0xff) return String.fromCharCode(code);
    }
    return match;
  });
}
