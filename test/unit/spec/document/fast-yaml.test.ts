import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseYamlFast } from '../../../../src/spec/document/fast-yaml.js';
import { parseYamlDocuments } from '../../../../src/spec/document/parse-yaml.js';
import { SourceMap } from '../../../../src/spec/document/source-map.js';
import { isYamlMap, type YamlValue } from '../../../../src/spec/document/yaml-value.js';
import { HAS_SHARED, SHARED_DIR } from '../../../helpers/shared-dir.js';

// The fast YAML reader must agree with the `yaml` package path on everything it accepts: values,
// `!reset`/`!override` paths and the source position of every key and item. It may give up on
// anything (then the full path runs), so this test also counts how much of the corpus it reads.

const CORPUS = fileURLToPath(new URL('../../../fixtures/spec/corpus/', import.meta.url));

function inputs(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (/\.ya?ml$/.test(entry.name))
        out.push([`${prefix}${entry.name}`, readFileSync(join(dir, entry.name), 'utf8')]);
    }
  };
  walk(CORPUS, 'corpus/');
  if (HAS_SHARED) {
    out.push([
      'golden/full-example.yml',
      readFileSync(join(SHARED_DIR, 'spec/golden/full-example.yml'), 'utf8'),
    ]);
    const specDir = join(SHARED_DIR, 'spec/compose-spec');
    for (const file of readdirSync(specDir).sort()) {
      let n = 0;
      for (const m of readFileSync(join(specDir, file), 'utf8').matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
        out.push([`spec/${file}#${++n}`, m[1] ?? '']);
      }
    }
  }
  return out;
}

const SNIPPETS: [string, string][] = [
  ['block map and seq', 'a: 1\nb:\n  - x\n  - y: 2\n    z: [1, "two", {k: v}]\n'],
  ['sequence at the key indentation', 'a:\n- 1\n- 2\nb: c\n'],
  ['nested compact mappings', 's:\n  - name: a\n    env:\n      A: "1"\n  - name: b\n'],
  ['anchors and merges', 'x: &x {a: 1, b: 2}\ny:\n  <<: *x\n  b: 3\nz: *x\n'],
  ['merge list', 'a: &a {p: 1}\nb: &b {p: 2, q: 3}\nc:\n  <<: [*a, *b]\n'],
  ['block scalars', 'a: |\n  line1\n\n  line2\nb: >-\n  folded\n  text\n\n  para\nc: |+\n  keep\n\nd: x\n'],
  ['tags', 'a: !reset null\nb: !override [1]\nc: !!str 123\nd: !!int "7"\n'],
  ['quoted escapes', "a: \"tab\\tnew\\nuni\\u00e9 \\x41\"\nb: 'it''s'\n"],
  ['comments everywhere', '# top\na: 1 # one\n# mid\nb: # nested\n  c: "x" # q\n'],
  ['multi documents', 'a: 1\n---\nb: 2\n--- # c\nc: 3\n'],
  ['scalars', 'a: 0440\nb: 0x1F\nc: 1_000\nd: true\ne: ~\nf: .5\ng: -1\nh: yes\ni: 1e3\nj: -dash\n'],
  ['empty values', 'a:\nb: {}\nc: []\nd: ""\n'],
  ['flow with empty entries', 'a: [a, b, ]\nb: {k, v: 1}\n'],
  ['keys with punctuation', '"quoted key": 1\ncom.example.x: 2\nx-ext: 3\n'],
];

describe('fast YAML reader', () => {
  it.each([...SNIPPETS, ...inputs()])('%s', (_name, text) => {
    const fastMap = new SourceMap();
    const fast = parseYamlFast(text, '/f.yaml', fastMap);
    if (fast === undefined) return; // gave up: the full path handles it
    const fullMap = new SourceMap();
    const full = parseYamlDocuments(text, '/f.yaml', fullMap, undefined, { fast: false });
    expect(fast.map((d) => d.value)).toEqual(full.map((d) => d.value));
    expect(fast.map((d) => d.resetPaths)).toEqual(full.map((d) => d.resetPaths));
    fast.forEach((doc, i) => {
      const other = full[i]?.value as YamlValue;
      for (const path of allPaths(doc.value)) {
        expect(fastMap.locate(doc.value, path, 'value'), path.join('.')).toEqual(
          fullMap.locate(other, path, 'value'),
        );
        expect(fastMap.locate(doc.value, path, 'key'), path.join('.')).toEqual(
          fullMap.locate(other, path, 'key'),
        );
      }
    });
  });

  it('reads most of the corpus (the fallback is the exception)', () => {
    const all = inputs().filter(([name]) => name.startsWith('corpus/'));
    const read = all.filter(([, text]) => parseYamlFast(text, '/f.yaml', new SourceMap()) !== undefined);
    expect(read.length / all.length).toBeGreaterThan(0.8);
  });

  it.each([
    ['tabs', 'a:\n\tb: 1\n'],
    ['multi-line plain scalar', 'a: one\n  two\n'],
    ['multi-line flow', 'a: [1,\n  2]\n'],
    ['explicit key', '? a\n: 1\n'],
    ['directive', '%YAML 1.2\n---\na: 1\n'],
    ['duplicate key', 'a: 1\na: 2\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['compact nested mapping', 'a: b: c\n'],
  ])('gives up on %s', (_name, text) => {
    expect(parseYamlFast(text, '/f.yaml', new SourceMap())).toBeUndefined();
  });
});

function allPaths(value: YamlValue, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i], ...allPaths(v, [...prefix, i]));
    });
  } else if (isYamlMap(value)) {
    for (const key of Object.keys(value))
      out.push([...prefix, key], ...allPaths(value[key] as YamlValue, [...prefix, key]));
  }
  return out;
}
