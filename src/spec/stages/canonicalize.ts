import { CANONICAL_RULES, type CanonicalRule, type CanonicalTools } from '../canonical/canonical-rules.js';
import { isYamlMap, type YamlMap, type YamlValue } from '../document/yaml-value.js';
import type { Loc } from '../document/source-map.js';
import type { RuleCursor } from '../field-path.js';
import type { LoaderContext } from '../load-context.js';
import type { FileStage } from './file-stage.js';
import { touchedBy } from './touched-by.js';

/**
 * Stage 8 — canonical form: every attribute with a short syntax is rewritten to its long syntax
 * (rules in canonical/canonical-rules.ts), so later stages and the binder see one shape only.
 */
export const canonicalizeStage: FileStage = {
  name: 'canonicalize',
  modes: ['project', 'include', 'extends'],
  run(state, ctx) {
    return { ...state, model: canonicalize(state.model, ctx, touchedBy(state.model, state.doc.value)) };
  },
};

export function canonicalize(model: YamlMap, ctx: LoaderContext, only?: YamlMap): YamlMap {
  const sourceMap = ctx.sourceMap;
  const tools: CanonicalTools = {
    lenient: !ctx.switches.interpolate,
    descend: (value, path) => {
      let cursor: RuleCursor<CanonicalRule> | undefined = CANONICAL_RULES.cursor();
      for (const seg of path) cursor = cursor?.step(seg);
      return cursor ? descend(value, [...path], cursor, tools, sourceMap) : value;
    },
    placed: (node, pos) => {
      if (pos !== undefined && typeof node === 'object' && node !== null) sourceMap.recordNode(node, pos);
      return node;
    },
    fail: (path, detail, hint) => ctx.fail('SPEC_INVALID', detail, { root: model, path, hint }),
    warn: (path, message) => ctx.warn(message, model, path),
    itemLocs: (list) => sourceMap.itemLocs(list),
    keyFromItem: (to, key, from, index) => sourceMap.copyKey(to, key, from, index),
    setItems: (out, from, positions) => {
      sourceMap.inherit(out, from);
      sourceMap.setItems(out, positions);
    },
  };
  if (!only) return descend(model, [], CANONICAL_RULES.cursor(), tools, sourceMap) as YamlMap;
  // Only the entries a document touched: the rest of the model is canonical already.
  for (const key of Object.keys(only)) {
    const cursor = CANONICAL_RULES.cursor().step(key);
    const section = model[key];
    if (!cursor || section === undefined) continue;
    const part = only[key];
    if (isYamlMap(part) && isYamlMap(section) && part !== section) {
      for (const name of Object.keys(part)) {
        const child = cursor.step(name);
        if (!child) continue;
        section[name] = transform(
          section[name] as YamlValue,
          [key, name],
          child,
          tools,
          sourceMap.valueLoc(section, name),
          sourceMap,
        );
      }
    } else {
      model[key] = transform(section, [key], cursor, tools, sourceMap.valueLoc(model, key), sourceMap);
    }
  }
  return model;
}

function transform(
  value: YamlValue,
  path: (string | number)[],
  cursor: RuleCursor<CanonicalRule>,
  tools: CanonicalTools,
  pos: Loc | undefined,
  sourceMap: LoaderContext['sourceMap'],
): YamlValue {
  const rule = cursor.rule;
  if (rule) return rule(value, [...path], tools, pos);
  return descend(value, path, cursor, tools, sourceMap);
}

/** Transforms the children of `value` (mutating `path` as a stack while descending). */
function descend(
  value: YamlValue,
  path: (string | number)[],
  cursor: RuleCursor<CanonicalRule>,
  tools: CanonicalTools,
  sourceMap: LoaderContext['sourceMap'],
): YamlValue {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child = cursor.step(i);
      if (!child) continue;
      path.push(i);
      value[i] = transform(
        value[i] as YamlValue,
        path,
        child,
        tools,
        sourceMap.valueLoc(value, i),
        sourceMap,
      );
      path.pop();
    }
    return value;
  }
  if (isYamlMap(value)) {
    for (const key of Object.keys(value)) {
      const child = cursor.step(key);
      if (!child) continue;
      path.push(key);
      value[key] = transform(
        value[key] as YamlValue,
        path,
        child,
        tools,
        sourceMap.valueLoc(value, key),
        sourceMap,
      );
      path.pop();
    }
  }
  return value;
}
