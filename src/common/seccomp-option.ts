import { isAbsolute, resolve } from 'node:path';

/**
 * `seccomp=FILE` / `seccomp:FILE` with a relative FILE made absolute against `base` (the CLI's
 * working directory, a stack's project directory): the engine reads the profile when it creates
 * the container, from wherever it runs. Other options, `unconfined` and inline JSON pass as they are.
 */
export function absoluteSeccompOption(option: string, base: string): string {
  const m = /^seccomp([=:])(.+)$/.exec(option.trim());
  if (!m) return option;
  const [, sep, value] = m as unknown as [string, string, string];
  if (value === 'unconfined' || value.startsWith('{') || isAbsolute(value)) return option;
  return `seccomp${sep}${resolve(base, value)}`;
}
