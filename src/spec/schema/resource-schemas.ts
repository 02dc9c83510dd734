import * as z from 'zod';
import { listOrDict, stringOrList } from './common-defs.js';
import {
  boolOrString,
  closedObject,
  int,
  listOf,
  nul,
  num,
  oneOf,
  str,
  strictObject,
  valuesOf,
  type Schema,
} from './schema-kit.js';

const driverOpts = valuesOf(
  'a mapping of driver options',
  oneOf('a string or a number', { string: str, number: num }),
);

/** `external` of networks and volumes: a boolean, a string, or (deprecated) `{name}`. */
const strictExternal = oneOf('a boolean or a mapping with "name"', {
  boolean: z.boolean(),
  string: str,
  object: strictObject('an external mapping', { name: str }),
});

/** `external` of secrets and configs: like networks', but the mapping may hold any key. */
const looseExternal = oneOf('a boolean or a mapping with "name"', {
  boolean: z.boolean(),
  string: str,
  object: z.looseObject({ name: str.optional() }),
});

/** `networks.*` (06-networks.md); null = defaults. */
export const networkSchema: Schema = oneOf('a network mapping or null', {
  null: nul,
  object: strictObject('a network mapping', {
    name: str,
    driver: str,
    driver_opts: driverOpts,
    ipam: strictObject('an ipam mapping', {
      driver: str,
      config: listOf(
        strictObject('an ipam pool', {
          subnet: str,
          ip_range: str,
          gateway: str,
          aux_addresses: valuesOf('a mapping of addresses', str, { nonEmptyKeys: true }),
        }),
      ),
      options: valuesOf('a mapping of options', str, { nonEmptyKeys: true }),
    }),
    external: strictExternal,
    internal: boolOrString,
    enable_ipv4: boolOrString,
    enable_ipv6: boolOrString,
    attachable: boolOrString,
    labels: listOrDict,
  }),
});

/** `volumes.*` (07-volumes.md); null = defaults. */
export const volumeSchema: Schema = oneOf('a volume mapping or null', {
  null: nul,
  object: strictObject('a volume mapping', {
    name: str,
    driver: str,
    driver_opts: driverOpts,
    external: strictExternal,
    labels: listOrDict,
  }),
});

/** `secrets.*` (09-secrets.md). */
export const secretSchema: Schema = strictObject('a secret mapping', {
  name: str,
  environment: str,
  file: str,
  external: looseExternal,
  labels: listOrDict,
  driver: str,
  driver_opts: driverOpts,
  template_driver: str,
});

/** `configs.*` (08-configs.md). */
export const configSchema: Schema = strictObject('a config mapping', {
  name: str,
  content: str,
  environment: str,
  file: str,
  external: looseExternal,
  labels: listOrDict,
  template_driver: str,
});

/** `models.*`. */
export const modelSchema: Schema = strictObject(
  'a model mapping',
  { name: str, model: str, context_size: int, runtime_flags: listOf(str, 'a list of strings') },
  { required: ['model'] },
);

/** `include` entries (14-include.md): a path or the long syntax. */
export const includeSchema: Schema = listOf(
  oneOf('a path or an include mapping', {
    string: str,
    object: closedObject('an include mapping', {
      path: stringOrList,
      env_file: stringOrList,
      project_directory: str,
    }),
  }),
);
