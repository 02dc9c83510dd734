/** A byte size Compose cannot read. */
export class ByteSizeSyntaxError extends Error {}

const MULTIPLIERS: Record<string, number> = {
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/**
 * Parses a size the way Compose does (docker/go-units RAMInBytes, binary units): `512`, `-1`,
 * `64m`, `1.5g`, `2 GiB`, `10kb`. Integers are taken as they are (negative allowed); otherwise a
 * number, optional space, then `b` or `k|m|g|t|p` optionally followed by `b` or `ib`, any case.
 */
export function parseByteSize(text: string): number {
  if (/^[+-]?\d+$/.test(text)) return Number(text);
  const sep = lastIndexOfAny(text, '01234567890. ');
  if (sep < 0) throw new ByteSizeSyntaxError(`invalid size: '${text}'`);
  const num = text[sep] === ' ' ? text.slice(0, sep) : text.slice(0, sep + 1);
  let suffix = text.slice(sep + 1);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(num))
    throw new ByteSizeSyntaxError(`invalid size: '${text}'`);
  let size = Number(num);
  if (size < 0) throw new ByteSizeSyntaxError(`invalid size: '${text}'`);
  if (suffix === '') return Math.trunc(size);
  if (suffix.length > 3) throw new ByteSizeSyntaxError(`invalid suffix: '${suffix}'`);
  suffix = suffix.toLowerCase();
  if (suffix[0] === 'b') {
    if (suffix.length > 1) throw new ByteSizeSyntaxError(`invalid suffix: '${suffix}'`);
    return Math.trunc(size);
  }
  const multiplier = MULTIPLIERS[suffix[0] as string];
  if (multiplier === undefined) throw new ByteSizeSyntaxError(`invalid suffix: '${suffix}'`);
  size *= multiplier;
  if ((suffix.length === 2 && suffix[1] !== 'b') || (suffix.length === 3 && suffix.slice(1) !== 'ib')) {
    throw new ByteSizeSyntaxError(`invalid suffix: '${suffix}'`);
  }
  return Math.trunc(size);
}

function lastIndexOfAny(s: string, chars: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (chars.includes(s[i] as string)) return i;
  return -1;
}
