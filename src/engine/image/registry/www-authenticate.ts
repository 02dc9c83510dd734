/** One challenge of a `WWW-Authenticate` header (RFC 7235): a scheme and its parameters. */
export interface AuthChallenge {
  /** Lowercased: `bearer`, `basic`. */
  readonly scheme: string;
  /** Parameter names lowercased; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses `WWW-Authenticate` values: several challenges may share one header, separated by
 * commas, and parameters are `name=token` or `name="quoted \" string"` (scopes contain commas,
 * so a naive split breaks them). Invalid trailing input ends parsing; what was read is kept.
 */
export function parseWwwAuthenticate(headers: string | readonly string[] | undefined): AuthChallenge[] {
  if (headers === undefined) return [];
  const values = typeof headers === 'string' ? [headers] : headers;
  const out: AuthChallenge[] = [];
  for (const value of values) out.push(...parseOne(value));
  return out;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

function parseOne(input: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let s = input;
  let current: { scheme: string; params: Record<string, string> } | undefined;
  const skipSpace = (): void => {
    s = s.replace(/^[ \t]+/, '');
  };
  while (s.length > 0) {
    skipSpace();
    if (s.startsWith(',')) {
      s = s.slice(1);
      continue;
    }
    const tok = TOKEN.exec(s);
    if (!tok) break;
    const name = tok[0];
    const after = s.slice(name.length).replace(/^[ \t]+/, '');
    if (current && after.startsWith('=') && !after.startsWith('==')) {
      // A parameter of the current challenge.
      s = after.slice(1);
      skipSpace();
      let value: string;
      if (s.startsWith('"')) {
        let i = 1;
        value = '';
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i += 1;
          value += s[i];
          i += 1;
        }
        s = s.slice(i + 1);
      } else {
        const v = TOKEN.exec(s);
        value = v ? v[0] : '';
        s = s.slice(value.length);
      }
      current.params[name.toLowerCase()] = value;
      continue;
    }
    // A new challenge: scheme, then optionally a token68 (Basic dXNlcjpw...) or parameters.
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    s = s.slice(name.length);
    skipSpace();
    const t68 = /^[A-Za-z0-9\-._~+/]+=*(?=\s*(,|$))/.exec(s);
    if (t68 && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=[^=]/.test(s)) {
      current.params['token68'] = t68[0];
      s = s.slice(t68[0].length);
    }
  }
  return out;
}
