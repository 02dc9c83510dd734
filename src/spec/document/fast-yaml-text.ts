import { resolvePlainScalar } from './resolve-scalar.js';
import type { YamlValue } from './yaml-value.js';

/** Thrown inside the fast reader when a text is outside its subset (see fast-yaml.ts). */
export const BAIL = Symbol('not in the fast subset');

export function bail(): never {
  throw BAIL;
}

/** One line of the text, by offsets. */
export interface Line {
  /** Offset of the first character of the line. */
  readonly start: number;
  /** Offset of the first non-space character (== end for blank lines). */
  readonly content: number;
  /** Offset of the line end (the `\n`, or the text end). */
  readonly end: number;
  readonly indent: number;
}

export const CORE_TAGS = new Set(['!!str', '!!int', '!!float', '!!bool', '!!null', '!!binary']);

const PLAIN_START_FORBIDDEN = new Set([
  ',',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
]);
/** `-`, `?` and `:` may start a plain scalar only when a non-space follows. */
const PLAIN_START_IF_FOLLOWED = new Set(['-', '?', ':']);

export function skipSpaces(text: string, i: number, end: number): number {
  while (i < end && text[i] === ' ') i++;
  return i;
}

/** End of an anchor, alias or tag token. */
export function tokenEnd(text: string, i: number, end: number): number {
  let k = i;
  while (k < end && text[k] !== ' ' && text[k] !== ',' && text[k] !== ']' && text[k] !== '}') k++;
  return k;
}

export function canStartPlain(text: string, i: number, end: number, inFlow = false): boolean {
  const c = text[i] as string;
  if (PLAIN_START_FORBIDDEN.has(c)) return false;
  if (!PLAIN_START_IF_FOLLOWED.has(c)) return true;
  const next = text[i + 1];
  if (i + 1 >= end || next === ' ') return false;
  return !(inFlow && (next === ',' || next === ']' || next === '}' || next === '[' || next === '{'));
}

/** A scalar written with a tag (`!!str 1`) or the Compose tags (which do not change the value). */
export function taggedScalar(text: string, tag: string | undefined, quoted: boolean): YamlValue {
  if (tag === undefined || tag === '!reset' || tag === '!override')
    return quoted ? text : resolvePlainScalar(text);
  switch (tag) {
    case '!!str':
    case '!!binary':
      return text;
    case '!!null':
      return null;
    case '!!bool':
      if (['true', 'True', 'TRUE'].includes(text)) return true;
      if (['false', 'False', 'FALSE'].includes(text)) return false;
      return bail();
    default: {
      const v = resolvePlainScalar(text);
      return typeof v === 'number' ? v : bail();
    }
  }
}

/** `'...'` or `"..."` on one line; returns the value and the offset after the closing quote. */
export function readQuoted(text: string, i: number, end: number): { value: string; end: number } {
  const q = text[i];
  let out = '';
  let k = i + 1;
  if (q === "'") {
    for (;;) {
      const close = text.indexOf("'", k);
      if (close < 0 || close >= end) bail();
      out += text.slice(k, close);
      if (text[close + 1] === "'") {
        out += "'";
        k = close + 2;
        continue;
      }
      return { value: out, end: close + 1 };
    }
  }
  while (k < end) {
    const ch = text[k] as string;
    if (ch === '"') return { value: out, end: k + 1 };
    if (ch !== '\\') {
      out += ch;
      k++;
      continue;
    }
    const e = text[k + 1];
    const simple = ESCAPES[e ?? ''];
    if (simple !== undefined) {
      out += simple;
      k += 2;
      continue;
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width === 0) bail();
    const hex = text.slice(k + 2, k + 2 + width);
    if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) bail();
    out += String.fromCodePoint(parseInt(hex, 16));
    k += 2 + width;
  }
  return bail();
}

/**
 * A block scalar (`|` or `>`, optional `-`/`+` chomping) whose header is at `header.at` and whose
 * content lines, from line `first`, are more indented than `parentIndent`.
 */
export function readBlockScalar(
  text: string,
  lines: readonly Line[],
  first: number,
  limit: number,
  header: { at: number; end: number },
  parentIndent: number,
): { value: string; next: number } {
  const i = header.at;
  const end = header.end;
  const literal = text[i] === '|';
  let k = i + 1;
  let chomp: 'clip' | 'strip' | 'keep' = 'clip';
  if (text[k] === '-') {
    chomp = 'strip';
    k++;
  } else if (text[k] === '+') {
    chomp = 'keep';
    k++;
  }
  const after = skipSpaces(text, k, end);
  if (after < end && (text[after] !== '#' || after === k)) bail();
  const contentLines: string[] = [];
  let indent = -1;
  let lastContent = first;
  let j = first;
  for (; j < limit; j++) {
    const line = lines[j] as Line;
    if (line.content === line.end) {
      if (indent >= 0 && line.indent > indent) bail();
      contentLines.push('');
      continue;
    }
    if (indent < 0) {
      if (line.indent <= parentIndent) break;
      indent = line.indent;
    }
    if (line.indent < indent) break;
    contentLines.push(text.slice(line.start + indent, line.end));
    lastContent = j + 1;
  }
  if (indent < 0) bail();
  // Blank lines after the last content line belong to the scalar only for `keep`.
  const used = lastContent - first;
  const trailingBlank = contentLines.length - used;
  const body = contentLines.slice(0, used);
  if (body.some((l) => /^ /.test(l)) && !literal) bail();
  let value = literal ? body.join('\n') : foldLines(body);
  if (chomp === 'strip') value = value.replace(/\n+$/, '');
  else if (chomp === 'clip') value = value === '' ? '' : `${value}\n`;
  else value = `${value}\n${'\n'.repeat(trailingBlank)}`;
  if (trailingBlank > 0 && chomp === 'keep' && lastContent + trailingBlank > limit) bail();
  return { value, next: lastContent };
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** Folded block scalar: lines joined by spaces, blank lines kept as line breaks. */
function foldLines(lines: string[]): string {
  let out = '';
  let pendingBreaks = 0;
  for (const [i, line] of lines.entries()) {
    if (line === '') {
      pendingBreaks++;
      continue;
    }
    if (i > 0) out += pendingBreaks > 0 ? '\n'.repeat(pendingBreaks) : ' ';
    pendingBreaks = 0;
    out += line;
  }
  return out;
}

/** Line/column lookup built on first use (errors only need it). */
export class LazyLineCounter {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}
  linePos(offset: number): { line: number; col: number } {
    if (!this.starts) {
      this.starts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (this.starts[lo] as number) + 1 };
  }
}
