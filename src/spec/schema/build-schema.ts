import { extraHosts, listOrDict, serviceConfigOrSecret, stringOrList, ulimits } from './common-defs.js';
import { boolOrString, intOrString, listOf, oneOf, str, strictObject, type Schema } from './schema-kit.js';

const strings = listOf(str, 'a list of strings');

/** `services.*.build`: a context path, or the long syntax (build.md). */
export const buildSchema: Schema = oneOf('a build context path or a build mapping', {
  string: str,
  object: strictObject('a build mapping', {
    context: str,
    dockerfile: str,
    dockerfile_inline: str,
    entitlements: strings,
    args: listOrDict,
    ssh: listOrDict,
    labels: listOrDict,
    cache_from: strings,
    cache_to: strings,
    no_cache: boolOrString,
    no_cache_filter: stringOrList,
    additional_contexts: listOrDict,
    network: str,
    provenance: boolOrString,
    sbom: boolOrString,
    pull: boolOrString,
    target: str,
    shm_size: intOrString,
    extra_hosts: extraHosts,
    isolation: str,
    privileged: boolOrString,
    secrets: serviceConfigOrSecret,
    tags: strings,
    ulimits,
    platforms: strings,
  }),
});
