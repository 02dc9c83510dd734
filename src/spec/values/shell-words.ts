/** A command string with an unterminated quote or a trailing backslash. */
export class ShellWordsError extends Error {}

const SPACE = new Set([' ', '\t', '\r', '\n']);
const OPERATORS = new Set([';', '&', '|', '<', '>']);

/**
 * Splits a command string into words as Compose does (mattn/go-shellwords, without variable or
 * backtick expansion): whitespace separates words, `'...'` is literal, `"..."` and a backslash
 * escape the next character. Parsing stops at an unquoted `;`, `&`, `|`, `<` or `>` — Compose drops
 * the rest, so `a && b` runs `a` only; write `["sh", "-c", "a && b"]` for a shell.
 */
export function splitShellWords(line: string): string[] {
  const args: string[] = [];
  let buf = '';
  let hasArg = false;
  let escaped = false;
  let single = false;
  let double = false;
  for (const c of line) {
    if (escaped) {
      buf += c;
      escaped = false;
      hasArg = true;
      continue;
    }
    if (c === '\\') {
      if (single) buf += c;
      else escaped = true;
      continue;
    }
    if (SPACE.has(c)) {
      if (single || double) buf += c;
      else if (hasArg) {
        args.push(buf);
        buf = '';
        hasArg = false;
      }
      continue;
    }
    if (c === '"' && !single) {
      if (double) hasArg = true;
      double = !double;
      continue;
    }
    if (c === "'" && !double) {
      if (single) hasArg = true;
      single = !single;
      continue;
    }
    if (OPERATORS.has(c) && !single && !double) break;
    hasArg = true;
    buf += c;
  }
  if (escaped || single || double) throw new ShellWordsError('invalid command line string');
  if (hasArg) args.push(buf);
  return args;
}
