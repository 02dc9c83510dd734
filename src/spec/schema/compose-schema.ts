import { serviceSchema } from './service-schema.js';
import {
  configSchema,
  includeSchema,
  modelSchema,
  networkSchema,
  secretSchema,
  volumeSchema,
} from './resource-schemas.js';
import { keyedMap, str, strictObject, type Schema } from './schema-kit.js';

const NAME = /^[a-zA-Z0-9._-]+$/;

/**
 * The Compose file, as `compose-spec.json` (draft 2020-12) defines it, in zod: every top-level
 * element, every service attribute, `x-*` extensions wherever the schema allows them, unknown keys
 * rejected. The test suite checks verdict parity with the JSON schema on a corpus.
 */
export const composeSchema: Schema = strictObject('a Compose file mapping', {
  version: str,
  name: str,
  include: includeSchema,
  services: keyedMap('a mapping of services', NAME, serviceSchema, {
    strict: true,
    keyLabel: 'service name',
  }),
  models: keyedMap('a mapping of models', NAME, modelSchema, { strict: false, keyLabel: 'model name' }),
  networks: keyedMap('a mapping of networks', NAME, networkSchema, {
    strict: false,
    keyLabel: 'network name',
  }),
  volumes: keyedMap('a mapping of volumes', NAME, volumeSchema, { strict: true, keyLabel: 'volume name' }),
  secrets: keyedMap('a mapping of secrets', NAME, secretSchema, { strict: true, keyLabel: 'secret name' }),
  configs: keyedMap('a mapping of configs', NAME, configSchema, { strict: true, keyLabel: 'config name' }),
});
