import { isYamlMap, type YamlMap } from '../document/yaml-value.js';

const NAMED_SECTIONS = new Set(['services', 'networks', 'volumes', 'secrets', 'configs', 'models']);

/**
 * The part of the merged model this document may have changed: its top-level keys, and of the
 * named sections only the entries it names. What earlier documents contributed alone was
 * validated (and made canonical) when they were merged, and schema rules never relate two entries
 * of a section, so validating this view gives the same verdict as validating the whole model,
 * without re-validating 500 services for an override that touches three.
 */
export function touchedBy(model: YamlMap, doc: YamlMap): YamlMap {
  const view: YamlMap = {};
  for (const key of Object.keys(model)) {
    if (!Object.hasOwn(doc, key)) continue;
    const merged = model[key];
    const own = doc[key];
    if (NAMED_SECTIONS.has(key) && isYamlMap(merged) && isYamlMap(own)) {
      const entries: YamlMap = {};
      for (const name of Object.keys(own))
        if (Object.hasOwn(merged, name)) entries[name] = merged[name] ?? null;
      view[key] = entries;
    } else view[key] = merged ?? null;
  }
  return view;
}
