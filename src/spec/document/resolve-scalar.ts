import type { YamlScalar } from './yaml-value.js';

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const INFINITIES: Record<string, number> = {
  '.inf': Infinity,
  '.Inf': Infinity,
  '.INF': Infinity,
  '+.inf': Infinity,
  '+.Inf': Infinity,
  '+.INF': Infinity,
  '-.inf': -Infinity,
  '-.Inf': -Infinity,
  '-.INF': -Infinity,
};
const NANS = new Set(['.nan', '.NaN', '.NAN']);

// Go's strconv.ParseInt(s, 0, 64) after go-yaml removed underscores: sign, then a 0x/0o/0b prefix,
// a leading-zero octal (YAML 1.1 `0440`, kept by go-yaml for file modes), or decimal.
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * Resolves an untagged plain scalar the way go-yaml (Compose's parser) does, which differs from
 * YAML 1.2 core in one place users hit: `mode: 0440` is octal (288), as Compose documents it.
 * Booleans are only true/false (no YAML 1.1 yes/no); timestamps stay strings.
 */
export function resolvePlainScalar(text: string): YamlScalar {
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  const inf = INFINITIES[text];
  if (inf !== undefined) return inf;
  if (NANS.has(text)) return NaN;
  const first = text.charCodeAt(0);
  const numeric = (first >= 48 && first <= 57) || text[0] === '+' || text[0] === '-' || text[0] === '.';
  if (!numeric) return text;
  const plain = text.includes('_') ? text.replaceAll('_', '') : text;
  const int = GO_INT.exec(plain);
  if (int) {
    const sign = int[1] === '-' ? -1 : 1;
    const digits = int[2] ?? '0';
    return sign * parseGoUnsigned(digits);
  }
  if (GO_FLOAT.test(plain)) return Number(plain);
  return text;
}

function parseGoUnsigned(digits: string): number {
  const prefix = digits.slice(0, 2).toLowerCase();
  if (prefix === '0x') return parseInt(digits.slice(2), 16);
  if (prefix === '0o') return parseInt(digits.slice(2), 8);
  if (prefix === '0b') return parseInt(digits.slice(2), 2);
  if (digits.length > 1 && digits[0] === '0') return parseInt(digits.slice(1), 8);
  return parseInt(digits, 10);
}

/** Resolves a scalar carrying an explicit core tag (`!!str 1`, `!!int "3"`). */
export function resolveTaggedScalar(tag: string, text: string): YamlScalar | undefined {
  switch (tag) {
    case 'tag:yaml.org,2002:str':
    case 'tag:yaml.org,2002:binary':
      return text;
    case 'tag:yaml.org,2002:null':
      return null;
    case 'tag:yaml.org,2002:bool':
      return TRUES.has(text) ? true : FALSES.has(text) ? false : undefined;
    case 'tag:yaml.org,2002:int':
    case 'tag:yaml.org,2002:float': {
      const v = resolvePlainScalar(text);
      return typeof v === 'number' ? v : undefined;
    }
    default:
      return undefined;
  }
}
