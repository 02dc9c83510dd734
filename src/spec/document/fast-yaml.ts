import { readFlow } from './fast-yaml-flow.js';
import {
  BAIL,
  CORE_TAGS,
  LazyLineCounter,
  bail,
  canStartPlain,
  readBlockScalar,
  readQuoted,
  skipSpaces,
  taggedScalar,
  tokenEnd,
  type Line,
} from './fast-yaml-text.js';
import type { ParsedDocument } from './parse-yaml.js';
import type { Loc, SourceMap } from './source-map.js';
import { isYamlMap, type YamlMap, type YamlValue } from './yaml-value.js';

/**
 * A fast reader for the YAML that stack files are made of: block mappings and sequences indented
 * with spaces, one-line scalars (plain, 'single', "double"), one-line flow collections, block
 * scalars (| and > with chomping), comments, anchors, aliases, `<<` merges, `!reset`/`!override`
 * and core tags, several documents. The `yaml` package needs ~4x longer for the same text, which
 * dominated loading a 500-service stack.
 *
 * Anything outside that subset, anything it is not sure about, and every error make it give up
 * (return undefined): the caller then parses with the `yaml` package, which also produces the
 * error messages. A differential test (test/unit/spec/document/fast-yaml.test.ts) checks that both
 * readers give the same values, reset paths and positions on the whole test corpus.
 */
export function parseYamlFast(
  text: string,
  file: string,
  sourceMap: SourceMap,
): ParsedDocument[] | undefined {
  try {
    return new FastReader(text, file, sourceMap).documents();
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  }
}

const MAX_NODES = 1_000_000;

interface Anchored {
  readonly value: YamlValue;
  readonly tagged: boolean;
}

class FastReader {
  private lines: Line[] = [];
  private lineIndex = 0;
  private readonly fileId: number;
  private anchors = new Map<string, Anchored>();
  private resets: (string | number)[][] = [];
  private path: (string | number)[] = [];
  private nodes = 0;

  constructor(
    readonly text: string,
    private readonly file: string,
    readonly sourceMap: SourceMap,
  ) {
    this.fileId = sourceMap.addFile(file, new LazyLineCounter(text));
  }

  documents(): ParsedDocument[] {
    if (this.text.includes('\t') || this.text.includes('\r')) bail();
    if (this.text.startsWith('\uFEFF')) bail();
    this.splitLines();
    const docs: ParsedDocument[] = [];
    const starts = this.documentStarts();
    for (const [from, to] of starts) {
      this.anchors = new Map();
      this.resets = [];
      this.path = [];
      const value = this.document(from, to);
      if (value === undefined) continue;
      if (!isYamlMap(value)) bail();
      docs.push({ file: this.file, value, resetPaths: this.resets });
    }
    return docs;
  }

  private splitLines(): void {
    const text = this.text;
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let content = start;
      while (content < end && text.charCodeAt(content) === 32) content++;
      this.lines.push({ start, content, end, indent: content - start });
      if (end === text.length) break;
      start = end + 1;
    }
  }

  /** Line ranges of the documents, split at `---` lines (`%` directives and `...` make it give up). */
  private documentStarts(): [number, number][] {
    const ranges: [number, number][] = [];
    let from = 0;
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i] as Line;
      const first = this.text[line.start];
      if (first === '%') bail();
      if (this.text.startsWith('...', line.start)) bail();
      if (this.text.startsWith('---', line.start)) {
        const rest = this.text.slice(line.start + 3, line.end);
        if (rest !== '' && !/^ +(#.*)?$/.test(rest)) bail();
        ranges.push([from, i]);
        from = i + 1;
      }
    }
    ranges.push([from, this.lines.length]);
    return ranges.filter(([a, b]) => this.hasContent(a, b));
  }

  private hasContent(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (!this.isBlank(this.lines[i] as Line)) return true;
    return false;
  }

  private isBlank(line: Line): boolean {
    return line.content === line.end || this.text[line.content] === '#';
  }

  private document(from: number, to: number): YamlValue | undefined {
    this.lineIndex = from;
    this.limit = to;
    this.skipBlank();
    if (this.lineIndex >= to) return undefined;
    const line = this.lines[this.lineIndex] as Line;
    if (line.indent !== 0) bail();
    const value = this.block(0);
    this.skipBlank();
    if (this.lineIndex < to) bail();
    return value;
  }

  private limit = 0;

  private skipBlank(): void {
    while (this.lineIndex < this.limit && this.isBlank(this.lines[this.lineIndex] as Line)) this.lineIndex++;
  }

  private current(): Line | undefined {
    this.skipBlank();
    return this.lineIndex < this.limit ? this.lines[this.lineIndex] : undefined;
  }

  count(): void {
    if (++this.nodes > MAX_NODES) bail();
  }

  /** A block node whose first line is the current one, at exactly `indent`. */
  private block(indent: number): YamlValue {
    const line = this.current() as Line;
    if (line.indent !== indent) bail();
    if (this.isSeqItem(line.content)) return this.sequence(indent);
    return this.mapping(indent, line.content);
  }

  private isSeqItem(at: number): boolean {
    return (
      this.text[at] === '-' &&
      (at + 1 === this.text.length || this.text[at + 1] === ' ' || this.text[at + 1] === '\n')
    );
  }

  loc(offset: number): Loc {
    return this.sourceMap.loc(this.fileId, offset);
  }

  /** A block mapping whose entries start at `indent`; the first entry's key starts at `first`. */
  private mapping(indent: number, first: number): YamlMap {
    this.count();
    const out: YamlMap = {};
    this.sourceMap.recordNode(out, this.loc(first));
    const merges: { value: YamlValue }[] = [];
    const seen = new Set<string>();
    let keyAt = first;
    for (;;) {
      const line = this.lines[this.lineIndex] as Line;
      const { key, merge, valueAt } = this.key(keyAt, line.end);
      this.lineIndex++;
      if (!merge) {
        if (seen.has(key)) bail();
        seen.add(key);
      }
      this.path.push(key);
      const entry = this.entryValue(valueAt, line.end, indent, true);
      this.path.pop();
      if (merge) merges.push({ value: entry.value });
      else if (!entry.dropped) {
        out[key] = entry.value;
        this.sourceMap.recordKey(out, key, this.loc(keyAt), this.loc(entry.at ?? keyAt));
      }
      const next = this.current();
      if (!next || next.indent < indent) break;
      if (next.indent > indent || this.isSeqItem(next.content)) bail();
      keyAt = next.content;
    }
    for (const merge of merges) this.applyMerge(out, merge.value, seen);
    return out;
  }

  private applyMerge(out: YamlMap, value: YamlValue, explicit: Set<string>): void {
    const sources = Array.isArray(value) ? value : [value];
    for (const source of sources) {
      if (!isYamlMap(source)) bail();
      for (const key of Object.keys(source)) {
        if (key in out || explicit.has(key)) continue;
        out[key] = source[key] as YamlValue;
        this.sourceMap.copyKey(out, key, source, key);
      }
    }
  }

  /** Reads `key:` at `at`; returns the key text and where its value starts. */
  private key(at: number, end: number): { key: string; merge: boolean; valueAt: number } {
    const text = this.text;
    const c = text[at] as string;
    let key: string;
    let after: number;
    let merge = false;
    if (c === '"' || c === "'") {
      const q = readQuoted(this.text, at, end);
      key = q.value;
      after = q.end;
    } else {
      if (!canStartPlain(this.text, at, end)) bail();
      const colon = this.findColon(at, end);
      key = text.slice(at, colon).trimEnd();
      after = colon;
      if (key === '<<') merge = true;
      if (key.includes(' #') || key === '') bail();
    }
    if (text[after] !== ':') bail();
    const next = after + 1;
    if (next < end && text[next] !== ' ') bail();
    if (key === '__proto__') bail();
    return { key, merge, valueAt: next };
  }

  /** The `: ` (or `:` at the line end) ending a plain key. */
  private findColon(from: number, end: number): number {
    const text = this.text;
    for (let i = from; i < end; i++) {
      const ch = text[i];
      if (ch === ':' && (i + 1 === end || text[i + 1] === ' ')) return i;
      if (ch === '#' && text[i - 1] === ' ') bail();
    }
    return bail();
  }

  /**
   * The value of a mapping entry or sequence item that starts at `from` on the current line (or
   * below it): properties, then a scalar, a flow collection, an alias, a block scalar, or a nested
   * block on the next lines. `parentIndent` is the indentation of the entry.
   */
  private entryValue(
    from: number,
    end: number,
    parentIndent: number,
    inMapping: boolean,
  ): { value: YamlValue; at: number | undefined; dropped: boolean } {
    let i = skipSpaces(this.text, from, end);
    let anchor: string | undefined;
    let tag: string | undefined;
    let at: number | undefined;
    while (i < end && (this.text[i] === '&' || this.text[i] === '!')) {
      const stop = tokenEnd(this.text, i, end);
      const token = this.text.slice(i, stop);
      if (token[0] === '&') {
        if (anchor !== undefined || token.length < 2) bail();
        anchor = token.slice(1);
      } else {
        if (tag !== undefined) bail();
        tag = token;
      }
      i = skipSpaces(this.text, stop, end);
    }
    if (tag !== undefined && tag !== '!reset' && tag !== '!override' && !CORE_TAGS.has(tag)) bail();
    if (tag === '!reset' || tag === '!override') this.resets.push([...this.path]);
    let value: YamlValue;
    const restIsEmpty = i >= end || this.text[i] === '#';
    if (restIsEmpty) {
      const next = this.current();
      if (next && next.indent > parentIndent) {
        at = next.content;
        value = this.block(next.indent);
      } else if (next && inMapping && next.indent === parentIndent && this.isSeqItem(next.content)) {
        // A sequence at the same indentation as its key.
        at = next.content;
        value = this.sequence(parentIndent);
      } else {
        // An empty value sits where it would have been written: right after the indicator.
        at = from;
        value = null;
      }
      if (tag !== undefined && CORE_TAGS.has(tag) && value !== null) bail();
      if (tag === '!!str' && value === null) bail();
    } else {
      at = i;
      value = this.inlineValue(i, end, parentIndent, tag);
    }
    if (anchor !== undefined) {
      this.anchors.set(anchor, { value, tagged: tag !== undefined && !CORE_TAGS.has(tag) });
    }
    return { value, at, dropped: tag === '!reset' };
  }

  /** A value written on the rest of the line (after `key: ` or `- `). */
  private inlineValue(i: number, end: number, parentIndent: number, tag: string | undefined): YamlValue {
    const text = this.text;
    const c = text[i] as string;
    if (c === '*') {
      const stop = tokenEnd(this.text, i, end);
      this.expectLineEnd(stop, end);
      if (tag !== undefined) bail();
      const anchored = this.anchors.get(text.slice(i + 1, stop));
      if (!anchored || anchored.tagged) bail();
      this.countTree(anchored.value);
      return this.sourceMap.clone(anchored.value);
    }
    if (c === '|' || c === '>') {
      if (tag !== undefined && CORE_TAGS.has(tag) && tag !== '!!str') bail();
      const block = readBlockScalar(
        this.text,
        this.lines,
        this.lineIndex,
        this.limit,
        { at: i, end },
        parentIndent,
      );
      this.lineIndex = block.next;
      return block.value;
    }
    if (c === '[' || c === '{') {
      const { value, stop } = readFlow(this, i, end);
      this.expectLineEnd(stop, end);
      return tag === undefined || !CORE_TAGS.has(tag) ? value : bail();
    }
    if (c === '"' || c === "'") {
      const q = readQuoted(this.text, i, end);
      this.expectLineEnd(q.end, end);
      return taggedScalar(q.value, tag, true);
    }
    if (!canStartPlain(this.text, i, end)) bail();
    let stop = end;
    for (let k = i; k < end; k++) {
      const ch = text[k];
      if (ch === '#' && text[k - 1] === ' ') {
        stop = k;
        break;
      }
      if (ch === ':' && (k + 1 === end || text[k + 1] === ' ')) bail();
    }
    const plain = text.slice(i, stop).trimEnd();
    // A more indented next line would continue this plain scalar (multi-line): not handled here.
    const next = this.current();
    if (next && next.indent > parentIndent) bail();
    return taggedScalar(plain, tag, false);
  }

  /** Only spaces and a comment (after a space) may follow a value on its line. */
  private expectLineEnd(from: number, end: number): void {
    const i = skipSpaces(this.text, from, end);
    if (i < end && (this.text[i] !== '#' || i === from)) bail();
  }

  private countTree(value: YamlValue): void {
    if (Array.isArray(value)) {
      this.count();
      value.forEach((v) => this.countTree(v));
    } else if (isYamlMap(value)) {
      this.count();
      for (const k of Object.keys(value)) this.countTree(value[k] as YamlValue);
    }
  }

  /** A block sequence whose `-` items are at `indent`. */
  private sequence(indent: number): YamlValue[] {
    this.count();
    const out: YamlValue[] = [];
    const firstLine = this.current() as Line;
    this.sourceMap.recordNode(out, this.loc(firstLine.content));
    for (;;) {
      const line = this.current();
      if (!line || line.indent !== indent || !this.isSeqItem(line.content)) break;
      const dash = line.content;
      const itemStart = skipSpaces(this.text, dash + 1, line.end);
      this.path.push(out.length);
      let item: { value: YamlValue; at: number | undefined; dropped: boolean };
      if (itemStart < line.end && this.isCompactMapping(itemStart, line.end)) {
        // `- key: value`: a mapping whose entries are indented like its first key.
        const keyIndent = itemStart - line.start;
        const index = this.lineIndex;
        const saved = this.lines[index] as Line;
        this.lines[index] = { start: saved.start, content: itemStart, end: saved.end, indent: keyIndent };
        item = { value: this.mapping(keyIndent, itemStart), at: itemStart, dropped: false };
        this.lines[index] = saved;
      } else {
        this.lineIndex++;
        if (itemStart < line.end && this.isSeqItem(itemStart)) bail();
        item = this.entryValue(itemStart, line.end, indent, false);
        if (item.at === undefined) item = { ...item, at: itemStart < line.end ? itemStart : dash };
      }
      this.path.pop();
      if (!item.dropped) {
        this.sourceMap.recordItem(out, out.length, this.loc(item.at ?? dash));
        out.push(item.value);
      }
    }
    return out;
  }

  /** True when `- ` is followed by a plain or quoted key and `: `. */
  private isCompactMapping(i: number, end: number): boolean {
    const c = this.text[i] as string;
    if (c === '[' || c === '{' || c === '|' || c === '>' || c === '*' || c === '&' || c === '!' || c === '#')
      return false;
    if (c === '"' || c === "'") {
      try {
        const q = readQuoted(this.text, i, end);
        return this.text[q.end] === ':' && (q.end + 1 === end || this.text[q.end + 1] === ' ');
      } catch (err) {
        if (err === BAIL) return false;
        throw err;
      }
    }
    for (let k = i; k < end; k++) {
      const ch = this.text[k];
      if (ch === '#' && this.text[k - 1] === ' ') return false;
      if (ch === ':' && (k + 1 === end || this.text[k + 1] === ' ')) return true;
    }
    return false;
  }
}
