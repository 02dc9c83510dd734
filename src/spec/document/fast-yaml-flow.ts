import { resolvePlainScalar } from './resolve-scalar.js';
import type { Loc, SourceMap } from './source-map.js';
import { bail, canStartPlain, readQuoted, skipSpaces } from './fast-yaml-text.js';
import type { YamlMap, YamlValue } from './yaml-value.js';

/** What reading a flow collection needs from the fast reader. */
export interface FlowReader {
  readonly text: string;
  readonly sourceMap: SourceMap;
  loc(offset: number): Loc;
  /** Counts a node against the document's node budget. */
  count(): void;
}

/** A flow collection (`[...]`, `{...}`) closing on the same line. */
export function readFlow(r: FlowReader, i: number, end: number): { value: YamlValue; stop: number } {
  r.count();
  const text = r.text;
  const open = text[i];
  const close = open === '[' ? ']' : '}';
  const seq: YamlValue[] = [];
  const map: YamlMap = {};
  const value = open === '[' ? seq : map;
  r.sourceMap.recordNode(value, r.loc(i));
  let k = skipSpaces(text, i + 1, end);
  if (text[k] === close) return { value, stop: k + 1 };
  for (;;) {
    k = skipSpaces(text, k, end);
    if (k >= end) bail();
    if (open === '[') {
      const item = readFlowNode(r, k, end);
      r.sourceMap.recordItem(seq, seq.length, r.loc(k));
      seq.push(item.value);
      k = skipSpaces(text, item.stop, end);
    } else {
      const keyAt = k;
      const keyNode = readFlowNode(r, k, end, true);
      if (typeof keyNode.value !== 'string' || keyNode.value === '__proto__') bail();
      const key = keyNode.value;
      if (Object.hasOwn(map, key)) bail();
      k = skipSpaces(text, keyNode.stop, end);
      let v: YamlValue = null;
      let valueAt = keyAt;
      if (text[k] === ':') {
        k = skipSpaces(text, k + 1, end);
        if (text[k] === ',' || text[k] === '}') v = null;
        else {
          valueAt = k;
          const node = readFlowNode(r, k, end);
          v = node.value;
          k = skipSpaces(text, node.stop, end);
        }
      }
      map[key] = v;
      r.sourceMap.recordKey(map, key, r.loc(keyAt), r.loc(valueAt));
    }
    if (text[k] === ',') {
      k = skipSpaces(text, k + 1, end);
      if (text[k] === close) return { value, stop: k + 1 };
      continue;
    }
    if (text[k] === close) return { value, stop: k + 1 };
    return bail();
  }
}

/** A scalar or nested collection inside a flow collection (keys: plain text, never resolved). */
function readFlowNode(
  r: FlowReader,
  k: number,
  end: number,
  isKey = false,
): { value: YamlValue; stop: number } {
  const text = r.text;
  const c = text[k] as string;
  if (c === '[' || c === '{') {
    if (isKey) bail();
    return readFlow(r, k, end);
  }
  if (c === '"' || c === "'") {
    const q = readQuoted(text, k, end);
    return { value: q.value, stop: q.end };
  }
  if (!canStartPlain(text, k, end, true)) bail();
  let stop = k;
  while (stop < end) {
    const ch = text[stop];
    if (ch === ',' || ch === ']' || ch === '}' || ch === '[' || ch === '{') break;
    if (
      ch === ':' &&
      (text[stop + 1] === ' ' || text[stop + 1] === ',' || text[stop + 1] === '}' || text[stop + 1] === ']')
    )
      break;
    if (ch === '#' && text[stop - 1] === ' ') bail();
    stop++;
  }
  const raw = text.slice(k, stop).trimEnd();
  if (raw === '') bail();
  r.count();
  return { value: isKey ? raw : resolvePlainScalar(raw), stop };
}
