import { posix } from 'node:path';
import { EngineError } from '../errors.js';
import type { ContainerConfig } from './image-config.js';

/** The instructions `docker import --change` accepts, and we with it. */
const ALLOWED = [
  'CMD',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'LABEL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
  'ONBUILD',
] as const;
type Instruction = (typeof ALLOWED)[number];

function bad(change: string, what: string): EngineError {
  return new EngineError(
    'IMAGE_CHANGE_INVALID',
    `--change "${change}": ${what}`,
    `allowed: ${ALLOWED.join(', ')} in Dockerfile syntax`,
  );
}

/** Current value of `name` in an env list (`NAME=value`). */
function lookup(env: readonly string[], name: string): string | undefined {
  for (let i = env.length - 1; i >= 0; i--) {
    const e = env[i]!;
    if (e.startsWith(`${name}=`)) return e.slice(name.length + 1);
  }
  return undefined;
}

/**
 * Splits Dockerfile arguments into words as its shell-like lexer does: whitespace separates;
 * '…' is literal; "…" keeps spaces and honours \" \\ \$; an unquoted backslash escapes the next
 * character; `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}` expand from `env` (not inside '…').
 */
export function splitWords(text: string, env: readonly string[] | undefined): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const expand = (): string => {
    // At a '$': returns the expansion and advances i past the variable.
    const rest = text.slice(i + 1);
    let m = /^\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?\}/.exec(rest);
    if (m) {
      i += 1 + m[0].length;
      const value = lookup(env ?? [], m[1]!);
      if (m[2] === ':-') return value ? value : m[3]!;
      if (m[2] === ':+') return value ? m[3]! : '';
      return value ?? '';
    }
    m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (m) {
      i += 1 + m[0].length;
      return lookup(env ?? [], m[0]) ?? '';
    }
    i += 1;
    return '$';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      word += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$'.includes(text[i + 1]!)) {
          word += text[i + 1];
          i += 2;
        } else if (text[i] === '$' && env) word += expand();
        else word += text[i++];
      }
      if (i >= text.length) throw new Error('unterminated double quote');
      i += 1;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[i + 1];
      i += 2;
    } else if (c === '$' && env) word += expand();
    else word += text[i++];
  }
  if (inWord) words.push(word);
  return words;
}

/** `["a","b"]` → the array (exec form); anything else → undefined (shell form). */
function jsonForm(text: string): string[] | undefined {
  if (!text.trimStart().startsWith('[')) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // not JSON: shell form
  }
  return undefined;
}

function keyValues(
  change: string,
  rest: string,
  env: readonly string[],
  legacy: boolean,
): [string, string][] {
  const words = splitWords(rest, env);
  if (words.length === 0) throw bad(change, 'needs at least one key=value');
  if (!words[0]!.includes('=')) {
    if (!legacy) throw bad(change, 'expected key=value pairs');
    // Legacy `ENV key value with spaces`.
    const m = /^\s*(\S+)\s+([\s\S]*)$/.exec(rest);
    if (!m) throw bad(change, 'ENV key value: a value is required');
    return [[m[1]!, splitWords(m[2]!, env).join(' ')]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw bad(change, `"${w}" is not key=value`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function exposeKeys(change: string, words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(w);
    if (!m) throw bad(change, `"${w}" is not a port, port/proto or range`);
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    if (from < 1 || to > 65535 || to < from) throw bad(change, `"${w}": ports are 1-65535`);
    for (let p = from; p <= to; p++) out.push(`${p}/${(m[3] ?? 'tcp').toLowerCase()}`);
  }
  return out;
}

/**
 * Applies `--change` lines (Dockerfile syntax) to an image config, in order, as `docker import`
 * does. CMD/ENTRYPOINT: exec form `["a","b"]` or shell form (wrapped in `/bin/sh -c`); ENV and
 * LABEL: `k=v …` (ENV also `k v`); EXPOSE: ports, `/proto`, ranges; WORKDIR: relative to the
 * previous one; variables expand from the ENV set so far (not in CMD/ENTRYPOINT).
 */
export function applyChanges(base: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const c: {
    -readonly [K in keyof ContainerConfig]: ContainerConfig[K];
  } = { ...base };
  for (const change of changes) {
    const m = /^\s*([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(change);
    if (!m) throw bad(change, 'expected INSTRUCTION arguments');
    const instr = m[1]!.toUpperCase() as Instruction;
    const rest = (m[2] ?? '').trim();
    if (!ALLOWED.includes(instr)) throw bad(change, `${m[1]} is not a valid change command`);
    const env = [...(c.Env ?? [])];
    try {
      switch (instr) {
        case 'CMD':
        case 'ENTRYPOINT': {
          const value = jsonForm(rest) ?? (rest === '' ? [] : ['/bin/sh', '-c', rest]);
          if (instr === 'CMD') c.Cmd = value;
          else {
            c.Entrypoint = value;
            // As in a Dockerfile, a new ENTRYPOINT resets an inherited CMD.
            if (base.Cmd !== undefined && c.Cmd === base.Cmd) c.Cmd = null;
          }
          break;
        }
        case 'ENV':
          for (const [k, v] of keyValues(change, rest, env, true)) {
            const i = env.findIndex((e) => e.startsWith(`${k}=`));
            if (i >= 0) env[i] = `${k}=${v}`;
            else env.push(`${k}=${v}`);
          }
          c.Env = env;
          break;
        case 'LABEL':
          c.Labels = { ...(c.Labels ?? {}), ...Object.fromEntries(keyValues(change, rest, env, false)) };
          break;
        case 'EXPOSE': {
          const ports = { ...(c.ExposedPorts ?? {}) } as Record<string, object>;
          for (const k of exposeKeys(change, splitWords(rest, env))) ports[k] = {};
          c.ExposedPorts = ports;
          break;
        }
        case 'VOLUME': {
          const vols = { ...(c.Volumes ?? {}) } as Record<string, object>;
          for (const v of jsonForm(rest) ?? splitWords(rest, env)) {
            if (v === '') throw bad(change, 'empty volume path');
            vols[v] = {};
          }
          c.Volumes = vols;
          break;
        }
        case 'WORKDIR': {
          const words = splitWords(rest, env);
          if (words.length !== 1) throw bad(change, 'WORKDIR takes one path');
          c.WorkingDir = posix.resolve(c.WorkingDir || '/', words[0]!);
          break;
        }
        case 'USER':
        case 'STOPSIGNAL': {
          const words = splitWords(rest, env);
          if (words.length !== 1) throw bad(change, `${instr} takes one argument`);
          if (instr === 'USER') c.User = words[0]!;
          else c.StopSignal = words[0]!;
          break;
        }
        case 'ONBUILD':
          if (rest === '') throw bad(change, 'ONBUILD needs an instruction');
          c.OnBuild = [...(c.OnBuild ?? []), rest];
          break;
      }
    } catch (err) {
      if (err instanceof EngineError) throw err;
      throw bad(change, (err as Error).message);
    }
  }
  return c;
}
