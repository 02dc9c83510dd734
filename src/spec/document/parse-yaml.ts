import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import type { Alias, Document, Node as YamlNode, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { SpecError, describeValue, type SourcePosition } from '../errors.js';
import { formatPath, type FieldPath } from '../field-path.js';
import { parseYamlFast } from './fast-yaml.js';
import { resolvePlainScalar, resolveTaggedScalar } from './resolve-scalar.js';
import type { Loc, SourceMap } from './source-map.js';
import { isYamlMap, type YamlMap, type YamlValue } from './yaml-value.js';

/** One YAML document of a stack file, ready for the loader's per-file stages. */
export interface ParsedDocument {
  readonly file: string;
  readonly value: YamlMap;
  /**
   * Paths tagged `!reset` or `!override`: the value they had in earlier files (or in an extended
   * service) is dropped before this document is merged. `!reset` nodes are also removed from this
   * document; `!override` nodes stay, so they replace instead of merging.
   */
  readonly resetPaths: readonly FieldPath[];
}

/** Expansion cap for aliases: a document must not blow up into millions of nodes (YAML bombs). */
const MAX_NODES = 1_000_000;
const DROP = Symbol('dropped by !reset');

interface WalkState {
  readonly doc: Document;
  readonly file: string;
  readonly lines: LineCounter;
  readonly sourceMap: SourceMap;
  readonly fileId: number;
  readonly resets: FieldPath[];
  readonly displayBase: string | undefined;
  readonly expanding: Set<YamlNode>;
  /** Anchored nodes by name, in document order (an anchor may be redefined further down). */
  readonly anchors: Map<string, { offset: number; node: YamlNode }[]>;
  nodes: number;
}

/**
 * Parses a stack file (every document in it) into plain values, recording source positions in
 * `sourceMap`. YAML 1.2 structure with go-yaml's scalar rules (see resolve-scalar.ts), anchors and
 * aliases, `<<` merge keys, and Compose's `!reset` / `!override` tags. The common subset goes
 * through a fast reader (fast-yaml.ts); everything else, and every error, through the `yaml`
 * package (`fast: false` forces that path).
 */
export function parseYamlDocuments(
  text: string,
  file: string,
  sourceMap: SourceMap,
  displayBase?: string,
  options: { fast?: boolean } = {},
): ParsedDocument[] {
  if (options.fast !== false) {
    const fast = parseYamlFast(text, file, sourceMap);
    if (fast) return fast;
  }
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    schema: 'failsafe',
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false,
    strict: false,
  });
  // An empty stream parses to an empty "EmptyStream" list: nothing to load.
  const list = Array.from(docs);
  const fileId = sourceMap.addFile(file, lines);
  const out: ParsedDocument[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const [line, col] = positionOf(lines, error.pos[0]);
      throw new SpecError({
        code: 'SPEC_YAML',
        detail: `invalid YAML: ${firstLine(error.message)}`,
        position: { file, line, col },
        displayBase,
      });
    }
    if (doc.contents === null) continue;
    const state: WalkState = {
      doc,
      file,
      lines,
      sourceMap,
      fileId,
      resets: [],
      displayBase,
      expanding: new Set(),
      anchors: collectAnchors(doc),
      nodes: 0,
    };
    const value = convert(doc.contents as YamlNode, [], state);
    if (value === DROP) continue;
    if (!isYamlMap(value)) {
      throw new SpecError({
        code: 'SPEC_INVALID',
        detail: `top-level object must be a mapping, got ${describeValue(value)}`,
        position: nodePos(doc.contents as YamlNode, state),
        displayBase,
      });
    }
    out.push({ file, value, resetPaths: state.resets });
  }
  return out;
}

/**
 * One pass over the document: yaml's Alias.resolve() walks the whole document per alias, which is
 * quadratic for stacks where every service merges a shared anchor.
 */
function collectAnchors(doc: Document): Map<string, { offset: number; node: YamlNode }[]> {
  const anchors = new Map<string, { offset: number; node: YamlNode }[]>();
  visit(doc, (_key, node) => {
    const anchored = node as { anchor?: string; range?: [number, number, number] } | null;
    if (anchored?.anchor) {
      const list = anchors.get(anchored.anchor) ?? [];
      list.push({ offset: anchored.range?.[0] ?? 0, node: node as YamlNode });
      anchors.set(anchored.anchor, list);
    }
  });
  return anchors;
}

/** The node an alias refers to: the last anchor of that name defined before the alias. */
function resolveAlias(alias: Alias, state: WalkState): YamlNode | undefined {
  const candidates = state.anchors.get(alias.source);
  if (!candidates) return undefined;
  const at = alias.range?.[0] ?? Infinity;
  let found: YamlNode | undefined;
  for (const candidate of candidates) {
    if (candidate.offset < at) found = candidate.node;
  }
  return found;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}

function positionOf(lines: LineCounter, offset: number): [number, number] {
  const p = lines.linePos(offset);
  return [p.line, p.col];
}

function nodeLoc(node: YamlNode | null | undefined, state: WalkState): Loc {
  return state.sourceMap.loc(state.fileId, node?.range?.[0] ?? 0);
}

function nodePos(node: YamlNode | null | undefined, state: WalkState): SourcePosition {
  const offset = node?.range?.[0] ?? 0;
  const [line, col] = positionOf(state.lines, offset);
  return { file: state.file, line, col };
}

function fail(state: WalkState, node: YamlNode | null | undefined, path: FieldPath, detail: string): never {
  throw new SpecError({
    code: 'SPEC_YAML',
    detail,
    path: formatPath(path),
    position: nodePos(node, state),
    displayBase: state.displayBase,
  });
}

function convert(
  node: YamlNode | null,
  path: (string | number)[],
  state: WalkState,
): YamlValue | typeof DROP {
  if (++state.nodes > MAX_NODES) fail(state, node, path, `document too large: more than ${MAX_NODES} nodes`);
  if (node === null) return null;
  let target: YamlNode = node;
  if (isAlias(node)) {
    const resolved = resolveAlias(node, state);
    if (!resolved) fail(state, node, path, `unknown anchor "${node.source}"`);
    target = resolved;
  }
  if (target.tag === '!reset') {
    state.resets.push([...path]);
    return DROP;
  }
  if (target.tag === '!override') state.resets.push([...path]);
  if (isScalar(target)) return convertScalar(target);
  if (state.expanding.has(target)) fail(state, node, path, 'alias refers to its own anchor (cycle)');
  state.expanding.add(target);
  try {
    if (isMap(target)) return convertMap(target, path, state);
    if (isSeq(target)) return convertSeq(target, path, state);
  } finally {
    state.expanding.delete(target);
  }
  fail(state, node, path, 'unsupported YAML node');
}

function convertScalar(node: Scalar): YamlValue {
  const raw = node.value;
  const text = typeof raw === 'string' ? raw : String(raw);
  if (node.tag && node.tag.startsWith('tag:yaml.org,2002:')) {
    const tagged = resolveTaggedScalar(node.tag, text);
    if (tagged !== undefined) return tagged;
  }
  return node.type === 'PLAIN' || node.type === undefined ? resolvePlainScalar(text) : text;
}

function keyText(node: unknown, path: FieldPath, state: WalkState): string {
  let key = node as YamlNode | null;
  if (key !== null && isAlias(key)) key = resolveAlias(key, state) ?? null;
  if (key === null || !isScalar(key)) return fail(state, key, path, 'mapping keys must be strings');
  const value = key.value;
  if (value === null || value === undefined) return fail(state, key, path, 'mapping keys must be strings');
  const text = String(value);
  if (text === '__proto__') return fail(state, key, path, 'the key "__proto__" is not allowed');
  return text;
}

function isMergeKey(node: unknown): boolean {
  return isScalar(node) && node.type === 'PLAIN' && node.value === '<<' && !node.tag;
}

function convertMap(node: YAMLMap, path: (string | number)[], state: WalkState): YamlMap {
  const out: YamlMap = {};
  state.sourceMap.recordNode(out, nodeLoc(node, state));
  const seen = new Map<string, number>();
  const merges: YamlNode[] = [];
  for (const pair of node.items) {
    if (isMergeKey(pair.key)) {
      if (pair.value) merges.push(pair.value as YamlNode);
      continue;
    }
    const key = keyText(pair.key, path, state);
    const keyLoc = nodeLoc(pair.key as YamlNode, state);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      fail(
        state,
        pair.key as YamlNode,
        [...path, key],
        `mapping key "${key}" already defined at line ${state.sourceMap.position(earlier).line}`,
      );
    }
    seen.set(key, keyLoc);
    path.push(key);
    const value = convert((pair.value as YamlNode | null) ?? null, path, state);
    path.pop();
    if (value === DROP) continue;
    out[key] = value;
    state.sourceMap.recordKey(out, key, keyLoc, pair.value ? nodeLoc(pair.value as YamlNode, state) : keyLoc);
  }
  // `<<` merge keys: explicit keys win, then earlier merged mappings win over later ones.
  for (const merge of merges) {
    const sources = mergeSources(merge, path, state);
    for (const source of sources) {
      const value = convert(source, path, state);
      if (value === DROP) continue;
      if (!isYamlMap(value))
        fail(state, source, path, 'merge key "<<" expects a mapping or a list of mappings');
      for (const key of Object.keys(value)) {
        if (key in out || seen.has(key)) continue;
        out[key] = value[key] as YamlValue;
        state.sourceMap.copyKey(out, key, value, key);
      }
    }
  }
  return out;
}

function mergeSources(node: YamlNode, path: FieldPath, state: WalkState): YamlNode[] {
  const target = isAlias(node) ? resolveAlias(node, state) : node;
  if (!target) return fail(state, node, path, 'merge key "<<" refers to an unknown anchor');
  if (isSeq(target)) return target.items as YamlNode[];
  return [node];
}

function convertSeq(node: YAMLSeq, path: (string | number)[], state: WalkState): YamlValue[] {
  const out: YamlValue[] = [];
  state.sourceMap.recordNode(out, nodeLoc(node, state));
  node.items.forEach((item, index) => {
    path.push(index);
    const value = convert((item as YamlNode | null) ?? null, path, state);
    path.pop();
    if (value === DROP) return;
    state.sourceMap.recordItem(out, out.length, nodeLoc(item as YamlNode, state));
    out.push(value);
  });
  return out;
}
