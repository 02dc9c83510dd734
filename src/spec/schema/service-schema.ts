import * as z from 'zod';
import { buildSchema } from './build-schema.js';
import {
  blkioLimit,
  blkioWeight,
  command,
  envFile,
  extraHosts,
  labelFile,
  listOfStrings,
  listOrDict,
  preStartHook,
  serviceConfigOrSecret,
  serviceHook,
  stringOrList,
  ulimits,
} from './common-defs.js';
import { deploySchema, gpus } from './deploy-schema.js';
import {
  anyObject,
  bool,
  boolOrString,
  closedObject,
  enumOf,
  intOrString,
  keyedMap,
  listOf,
  matching,
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

const NAME = /^[a-zA-Z0-9._-]+$/;
const strings = listOf(str, 'a list of strings');

const developSchema = oneOf('a develop mapping or null', {
  null: nul,
  object: strictObject('a develop mapping', {
    watch: listOf(
      strictObject(
        'a watch rule',
        {
          ignore: stringOrList,
          include: stringOrList,
          path: str,
          action: enumOf(['rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec']),
          target: str,
          exec: serviceHook,
          initial_sync: bool,
        },
        { required: ['path', 'action'] },
      ),
    ),
  }),
});

const dependsOn = oneOf('a list of service names or a mapping of services to conditions', {
  array: listOfStrings,
  object: keyedMap(
    'a mapping',
    NAME,
    strictObject(
      'a dependency mapping',
      {
        restart: boolOrString,
        required: bool,
        condition: enumOf(['service_started', 'service_healthy', 'service_completed_successfully']),
      },
      { required: ['condition'] },
    ),
    { strict: true, keyLabel: 'service name' },
  ),
});

const devices = listOf(
  oneOf('a device path or a device mapping', {
    string: str,
    object: strictObject(
      'a device mapping',
      { source: str, target: str, permissions: str },
      { required: ['source'] },
    ),
  }),
);

const healthcheck = strictObject('a healthcheck mapping', {
  disable: boolOrString,
  interval: str,
  retries: numOrString,
  test: oneOf('a string or a list of strings', { string: str, array: strings }),
  timeout: str,
  start_period: str,
  start_interval: str,
});

const serviceNetworks = oneOf('a list of network names or a mapping of networks', {
  array: listOfStrings,
  object: keyedMap(
    'a mapping',
    NAME,
    oneOf('a network attachment mapping or null', {
      null: nul,
      object: strictObject('a network attachment mapping', {
        aliases: listOfStrings,
        interface_name: str,
        ipv4_address: str,
        ipv6_address: str,
        link_local_ips: listOfStrings,
        mac_address: str,
        driver_opts: valuesOf('a mapping', oneOf('a string or a number', { string: str, number: num })),
        priority: num,
        gw_priority: num,
      }),
    }),
    { strict: true, keyLabel: 'network name' },
  ),
});

const serviceModels = oneOf('a list of model names or a mapping of models', {
  array: listOfStrings,
  object: keyedMap(
    'a mapping',
    NAME,
    oneOf('a model mapping or null', {
      null: nul,
      object: strictObject('a model mapping', { endpoint_var: str, model_var: str }),
    }),
    { strict: false, keyLabel: 'model name' },
  ),
});

const ports = uniqueItems(
  oneOf('a port number, a port string or a port mapping', {
    number: num,
    string: str,
    object: strictObject('a port mapping', {
      name: str,
      mode: str,
      host_ip: str,
      target: intOrString,
      published: intOrString,
      protocol: str,
      app_protocol: str,
    }),
  }),
);

const volumes = uniqueItems(
  oneOf('a volume string or a volume mapping', {
    string: str,
    object: strictObject(
      'a volume mapping',
      {
        type: enumOf(['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image']),
        source: str,
        target: str,
        read_only: boolOrString,
        consistency: str,
        bind: strictObject('a bind mapping', {
          propagation: str,
          create_host_path: boolOrString,
          recursive: enumOf(['enabled', 'disabled', 'writable', 'readonly']),
          selinux: enumOf(['z', 'Z']),
        }),
        volume: strictObject('a volume options mapping', {
          labels: listOrDict,
          nocopy: boolOrString,
          subpath: str,
        }),
        tmpfs: strictObject('a tmpfs mapping', {
          size: oneOf('a non-negative integer or a string', {
            integer: z.number().int().min(0),
            string: str,
          }),
          mode: numOrString,
        }),
        image: strictObject('an image mapping', { subpath: str }),
      },
      { required: ['type'] },
    ),
  }),
);

const blkio = closedObject('a blkio_config mapping', {
  device_read_bps: listOf(blkioLimit),
  device_read_iops: listOf(blkioLimit),
  device_write_bps: listOf(blkioLimit),
  device_write_iops: listOf(blkioLimit),
  weight: intOrString,
  weight_device: listOf(blkioWeight),
});

const provider = strictObject(
  'a provider mapping',
  {
    type: str,
    options: valuesOf(
      'a mapping of options',
      oneOf('a scalar or a list of scalars', {
        string: str,
        number: num,
        boolean: bool,
        array: listOf(oneOf('a string, number or boolean', { string: str, number: num, boolean: bool })),
      }),
    ),
  },
  { required: ['type'] },
);

/** `services.*` (05-services.md): every attribute of the Compose Specification's service. */
export const serviceSchema: Schema = strictObject('a service mapping', {
  develop: developSchema,
  deploy: deploySchema,
  annotations: listOrDict,
  attach: boolOrString,
  build: buildSchema,
  blkio_config: blkio,
  cap_add: uniqueItems(str, 'a list of strings'),
  cap_drop: uniqueItems(str, 'a list of strings'),
  cgroup: enumOf(['host', 'private']),
  cgroup_parent: str,
  command,
  configs: serviceConfigOrSecret,
  container_name: matching(/[a-zA-Z0-9][a-zA-Z0-9_.-]+/u),
  cpu_count: oneOf('a string or a non-negative integer', { string: str, integer: z.number().int().min(0) }),
  cpu_percent: oneOf('a string or an integer between 0 and 100', {
    string: str,
    integer: z.number().int().min(0).max(100),
  }),
  cpu_shares: numOrString,
  cpu_quota: numOrString,
  cpu_period: numOrString,
  cpu_rt_period: numOrString,
  cpu_rt_runtime: numOrString,
  cpus: numOrString,
  cpuset: str,
  credential_spec: strictObject('a credential_spec mapping', { config: str, file: str, registry: str }),
  depends_on: dependsOn,
  device_cgroup_rules: listOfStrings,
  devices,
  dns: stringOrList,
  dns_opt: uniqueItems(str, 'a list of strings'),
  dns_search: stringOrList,
  domainname: str,
  entrypoint: command,
  env_file: envFile,
  label_file: labelFile,
  environment: listOrDict,
  expose: uniqueItems(oneOf('a string or a number', { string: str, number: num })),
  extends: oneOf('a service name or an extends mapping', {
    string: str,
    object: closedObjectRequired('an extends mapping', { service: str, file: str }, ['service']),
  }),
  provider,
  external_links: uniqueItems(str, 'a list of strings'),
  extra_hosts: extraHosts,
  gpus,
  group_add: uniqueItems(oneOf('a string or a number', { string: str, number: num })),
  healthcheck,
  hostname: str,
  image: str,
  init: boolOrString,
  ipc: str,
  isolation: str,
  labels: listOrDict,
  links: uniqueItems(str, 'a list of strings'),
  logging: strictObject('a logging mapping', {
    driver: str,
    options: valuesOf(
      'a mapping of options',
      oneOf('a string, a number or null', { string: str, number: num, null: nul }),
    ),
  }),
  mac_address: str,
  mem_limit: numOrString,
  mem_reservation: intOrString,
  mem_swappiness: intOrString,
  memswap_limit: numOrString,
  network_mode: str,
  models: serviceModels,
  networks: serviceNetworks,
  oom_kill_disable: boolOrString,
  oom_score_adj: oneOf('a string or an integer between -1000 and 1000', {
    string: str,
    integer: z.number().int().min(-1000).max(1000),
  }),
  pid: oneOf('a string or null', { string: str, null: nul }),
  pids_limit: numOrString,
  platform: str,
  ports,
  pre_start: listOf(preStartHook),
  post_start: listOf(serviceHook),
  pre_stop: listOf(serviceHook),
  privileged: boolOrString,
  profiles: listOfStrings,
  pull_policy: matching(
    /always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+/u,
  ),
  pull_refresh_after: str,
  read_only: boolOrString,
  restart: str,
  runtime: str,
  scale: intOrString,
  security_opt: uniqueItems(str, 'a list of strings'),
  shm_size: numOrString,
  secrets: serviceConfigOrSecret,
  sysctls: listOrDict,
  stdin_open: boolOrString,
  stop_grace_period: str,
  stop_signal: str,
  storage_opt: anyObject,
  tmpfs: stringOrList,
  tty: boolOrString,
  ulimits,
  use_api_socket: bool,
  user: str,
  uts: str,
  userns_mode: str,
  volumes,
  volumes_from: uniqueItems(str, 'a list of strings'),
  working_dir: str,
});

function closedObjectRequired(label: string, shape: Record<string, Schema>, required: string[]): Schema {
  return closedObject(label, shape).check((ctx) => {
    const value = ctx.value as Record<string, unknown>;
    for (const key of required) {
      if (!Object.hasOwn(value, key)) {
        ctx.issues.push({ code: 'custom', message: `missing required key "${key}"`, input: value });
      }
    }
  });
}
