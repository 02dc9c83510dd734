import * as z from 'zod';
import { listOfStrings, listOrDict } from './common-defs.js';
import {
  enumOf,
  intOrString,
  listOf,
  nul,
  numOrString,
  oneOf,
  str,
  strictObject,
  type Schema,
} from './schema-kit.js';

const updateConfig = strictObject('an update configuration', {
  parallelism: intOrString,
  delay: str,
  failure_action: str,
  monitor: str,
  max_failure_ratio: numOrString,
  order: enumOf(['start-first', 'stop-first']),
});

/** `generic_resources`. */
export const genericResources: Schema = listOf(
  strictObject('a generic resource', {
    discrete_resource_spec: strictObject('a discrete resource', { kind: str, value: numOrString }),
  }),
);

/** `devices` (deploy.resources.reservations.devices). */
export const deviceRequests: Schema = listOf(
  strictObject(
    'a device request',
    {
      capabilities: listOfStrings,
      count: intOrString,
      device_ids: listOfStrings,
      driver: str,
      options: listOrDict,
    },
    { required: ['capabilities'] },
  ),
);

/**
 * `gpus`: "all" or a list of device requests. The schema puts `additionalProperties: false` on the
 * array itself (where it has no effect), so list items accept any extra keys.
 */
export const gpus: Schema = oneOf('"all" or a list of device requests', {
  string: enumOf(['all']),
  array: listOf(oneOf('a mapping', { object: looseGpu() })),
});

function looseGpu(): Schema {
  // Validated keys only; others are allowed (see the comment on `gpus`).
  return strictObjectAllowingExtra({
    capabilities: listOfStrings,
    count: intOrString,
    device_ids: listOfStrings,
    driver: str,
    options: listOrDict,
  });
}

function strictObjectAllowingExtra(shape: Record<string, Schema>): Schema {
  const optional: Record<string, Schema> = {};
  for (const [key, schema] of Object.entries(shape)) optional[key] = schema.optional();
  return z.looseObject(optional);
}

/** `deploy` (deploy.md); null is accepted and means "no deploy section". */
export const deploySchema: Schema = oneOf('a deploy mapping or null', {
  null: nul,
  object: strictObject('a deploy mapping', {
    mode: str,
    endpoint_mode: str,
    replicas: intOrString,
    labels: listOrDict,
    rollback_config: updateConfig,
    update_config: updateConfig,
    resources: strictObject('a resources mapping', {
      limits: strictObject('a limits mapping', { cpus: numOrString, memory: str, pids: intOrString }),
      reservations: strictObject('a reservations mapping', {
        cpus: numOrString,
        memory: str,
        generic_resources: genericResources,
        devices: deviceRequests,
      }),
    }),
    restart_policy: strictObject('a restart policy', {
      condition: str,
      delay: str,
      max_attempts: intOrString,
      window: str,
    }),
    placement: strictObject('a placement mapping', {
      constraints: listOf(str, 'a list of strings'),
      preferences: listOf(strictObject('a placement preference', { spread: str })),
      max_replicas_per_node: intOrString,
    }),
  }),
});
