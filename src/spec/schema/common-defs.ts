import {
  bool,
  boolOrString,
  closedObject,
  int,
  intOrString,
  keyedMap,
  listOf,
  nul,
  num,
  numOrString,
  oneOf,
  str,
  strictObject,
  uniqueItems,
  valuesOf,
  type Schema,
} from './schema-kit.js';

// The shared `$defs` of compose-spec.json, one constant each, named as the schema names them.

/** `list_of_strings`: unique strings. */
export const listOfStrings: Schema = uniqueItems(str, 'a list of strings');

/** `string_or_list`. */
export const stringOrList: Schema = oneOf('a string or a list of strings', {
  string: str,
  array: listOfStrings,
});

/** `list_or_dict`: a mapping of scalars (non-empty keys) or a list of unique strings. */
export const listOrDict: Schema = oneOf('a mapping or a list of "KEY=VALUE" strings', {
  object: valuesOf(
    'a mapping',
    oneOf('a string, number, boolean or null', { string: str, number: num, boolean: bool, null: nul }),
    { nonEmptyKeys: true },
  ),
  array: uniqueItems(str, 'a list of strings'),
});

/** `extra_hosts`: `{host: ip | [ip...]}` or unique `host:ip` / `host=ip` strings. */
export const extraHosts: Schema = oneOf(
  'a mapping of host names to addresses or a list of "host=ip" strings',
  {
    object: valuesOf(
      'a mapping',
      oneOf('an address or a list of addresses', { string: str, array: listOf(str, 'a list of strings') }),
      { nonEmptyKeys: true },
    ),
    array: uniqueItems(str, 'a list of strings'),
  },
);

/** `command`: null, a shell string, or an exec-form list. */
export const command: Schema = oneOf('a string, a list of strings or null', {
  null: nul,
  string: str,
  array: listOf(str, 'a list of strings'),
});

/** `env_file`: a path, or a list of paths and `{path, format, required}`. */
export const envFile: Schema = oneOf('a path or a list of paths', {
  string: str,
  array: listOf(
    oneOf('a path or a mapping with "path"', {
      string: str,
      object: closedObjectWithRequired(
        'an env_file entry',
        { path: str, format: str, required: boolOrString },
        ['path'],
      ),
    }),
  ),
});

/** `label_file`: a path or a list of paths. */
export const labelFile: Schema = oneOf('a path or a list of paths', {
  string: str,
  array: listOf(str, 'a list of paths'),
});

/** `service_config_or_secret`: names, or `{source, target, uid, gid, mode}`. */
export const serviceConfigOrSecret: Schema = listOf(
  oneOf('a name or a mapping with "source"', {
    string: str,
    object: strictObject('a mapping', { source: str, target: str, uid: str, gid: str, mode: numOrString }),
  }),
);

/** `ulimits`: per lower-case name, a number or `{soft, hard}`. */
export const ulimits: Schema = valuesOfPattern(
  /^[a-z]+$/,
  oneOf('a number or a mapping with "soft" and "hard"', {
    integer: int,
    string: str,
    object: strictObject(
      'a mapping',
      { hard: intOrString, soft: intOrString },
      { required: ['soft', 'hard'] },
    ),
  }),
);

/** `blkio_limit`. */
export const blkioLimit: Schema = closedObject('a mapping with "path" and "rate"', {
  path: str,
  rate: intOrString,
});

/** `blkio_weight`. */
export const blkioWeight: Schema = closedObject('a mapping with "path" and "weight"', {
  path: str,
  weight: intOrString,
});

/** `service_hook` (post_start, pre_stop, develop.watch.exec). */
export const serviceHook: Schema = strictObject(
  'a hook mapping',
  {
    command,
    user: str,
    privileged: boolOrString,
    working_dir: str,
    environment: listOrDict,
  },
  { required: ['command'] },
);

/** `pre_start_hook`. */
export const preStartHook: Schema = strictObject('a pre_start mapping', {
  command,
  image: str,
  user: str,
  privileged: boolOrString,
  working_dir: str,
  environment: listOrDict,
  per_replica: boolOrString,
});

function closedObjectWithRequired(label: string, shape: Record<string, Schema>, required: string[]): Schema {
  const base = closedObject(label, shape);
  return base.check((ctx) => {
    const value = ctx.value as Record<string, unknown>;
    for (const key of required) {
      if (!Object.hasOwn(value, key)) {
        ctx.issues.push({ code: 'custom', message: `missing required key "${key}"`, input: value });
      }
    }
  });
}

function valuesOfPattern(pattern: RegExp, value: Schema): Schema {
  return keyedMap('a mapping', pattern, value, { strict: false, keyLabel: 'ulimit name' });
}
