import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCliInProcess } from '../../helpers/run-cli.js';
import { HAS_SHARED, SHARED_DIR, SHARED_MISSING_REASON } from '../../helpers/shared-dir.js';

// Schema parity: every stack file of the corpus, and every complete YAML example of the
// specification text, must get the same verdict from `tscompose config -q` as from the official
// JSON schema (ajv, draft 2020-12), except where tscompose's consistency rules reject what the
// schema allows: those cases are named below, each with the rule that rejects it.

// ajv is CommonJS: under NodeNext the default import is the module object, its class is `.default`.
const Ajv2020 = Ajv2020Module.default;

const CORPUS_DIR = fileURLToPath(new URL('../../fixtures/spec/corpus/', import.meta.url));
const CORPUS = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** Corpus files the schema accepts and the loader rejects, by design. */
const CORPUS_CONSISTENCY_REJECTS: Record<string, string> = {
  'consistency-undefined-network.yaml': 'undefined network',
  'consistency-undefined-volume.yaml': 'undefined volume',
  'consistency-undefined-secret.yaml': 'undefined secret',
  'consistency-undefined-config.yaml': 'undefined config',
  'consistency-undefined-dependency.yaml': 'depends_on an undefined service',
  'consistency-depends-on-cycle.yaml': 'depends_on cycle',
  'consistency-container-name-replicas.yaml': 'container_name with more than one replica',
  'consistency-no-image.yaml': 'a service needs an image or a build context',
  'consistency-extends-cycle.yaml': 'extends cycle',
  'consistency-include-missing.yaml': 'an included file must exist',
  'consistency-network-mode-and-networks.yaml': 'network_mode excludes networks',
  'consistency-secret-without-source.yaml': 'a secret needs file, environment or external',
  'secrets-driver.yaml': 'a secret needs file, environment or external (a driver alone is not enough)',
};

/**
 * Examples of the specification text (`file#n`: the n-th yaml block of the file) that the schema
 * accepts and the loader rejects, by design. The examples are fragments written to show one
 * attribute, so most leave out what a runnable stack needs.
 */
const NO_IMAGE = 'a service needs an image or a build context (the example shows other attributes only)';
const EXAMPLE_CONSISTENCY_REJECTS: Record<string, string> = {
  '05-services.md#40': 'undefined volume (the example shows only how extends merges volumes)',
  '05-services.md#51': NO_IMAGE,
  '05-services.md#52': NO_IMAGE,
  '05-services.md#64': NO_IMAGE,
  '05-services.md#67': 'undefined model (the example declares only the service side)',
  '05-services.md#69': NO_IMAGE,
  '05-services.md#72': NO_IMAGE,
  '05-services.md#74': 'undefined network (the example shows only the service side)',
  '05-services.md#77': NO_IMAGE,
  '05-services.md#84': NO_IMAGE,
  '05-services.md#100': NO_IMAGE,
  '11-extension.md#4': 'undefined network "functions" and service "gateway"',
  '12-interpolation.md#2': NO_IMAGE,
  '12-interpolation.md#3': NO_IMAGE,
  '13-merge.md#7': NO_IMAGE,
  '13-merge.md#8': NO_IMAGE,
  '13-merge.md#9': NO_IMAGE,
  '13-merge.md#10': NO_IMAGE,
  '13-merge.md#11': NO_IMAGE,
  '13-merge.md#12': NO_IMAGE,
  '13-merge.md#17': NO_IMAGE,
  '14-include.md#1': 'the included file does not exist beside the example',
  '14-include.md#2': 'the included files do not exist beside the example',
  '14-include.md#3': 'the included project and its env_file do not exist beside the example',
  '14-include.md#4': 'the included files do not exist beside the example',
  '14-include.md#5': 'the included project and its env_files do not exist beside the example',
  'build.md#27': 'build.platforms must include the service platform',
};

const TOP_LEVEL = new Set([
  'version',
  'name',
  'include',
  'services',
  'networks',
  'volumes',
  'configs',
  'secrets',
  'models',
]);

interface Example {
  readonly id: string;
  readonly text: string;
}

/** The ```yaml blocks of the specification that are whole Compose files (only top-level keys). */
function completeExamples(): Example[] {
  const dir = join(SHARED_DIR, 'spec/compose-spec');
  const out: Example[] = [];
  for (const file of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    let block = 0;
    for (const match of text.matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
      block++;
      const source = match[1] ?? '';
      const docs = parseAllDocuments(source, { logLevel: 'silent' });
      const first = Array.isArray(docs) ? docs[0] : undefined;
      const value: unknown =
        first && first.errors.length === 0 ? first.toJS({ maxAliasCount: -1 }) : undefined;
      const complete =
        first !== undefined &&
        (first.errors.length > 0 ||
          (typeof value === 'object' &&
            value !== null &&
            !Array.isArray(value) &&
            Object.keys(value).length > 0 &&
            Object.keys(value).every((k) => TOP_LEVEL.has(k) || k.startsWith('x-'))));
      if (complete) out.push({ id: `${file}#${block}`, text: source });
    }
  }
  return out;
}

type Validate = (doc: unknown) => boolean;

/** The oracle: every YAML document of the file is valid against compose-spec.json. */
function schemaAccepts(validate: Validate, text: string): boolean {
  const docs = parseAllDocuments(text, { merge: true, logLevel: 'silent' });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length === 0) return validate(null);
  return list.every((doc) => doc.errors.length === 0 && validate(doc.toJS({ maxAliasCount: -1 })));
}

async function loaderAccepts(file: string, cwd: string): Promise<{ ok: boolean; stderr: string }> {
  const result = await runCliInProcess(['-f', file, 'config', '-q'], { cwd, env: { HOME: cwd } });
  return { ok: result.code === 0, stderr: result.stderr };
}

describe.skipIf(!HAS_SHARED)(
  `schema parity${HAS_SHARED ? '' : ` (skipped: ${SHARED_MISSING_REASON})`}`,
  () => {
    let validate: Validate;
    let scratch: string;

    beforeAll(() => {
      const schema = JSON.parse(readFileSync(join(SHARED_DIR, 'spec/compose-spec.json'), 'utf8')) as object;
      const compiled = new Ajv2020({ strict: false, allErrors: false }).compile(schema);
      validate = (doc) => compiled(doc);
      scratch = mkdtempSync(join(tmpdir(), 'tsc-spec-parity-'));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('the corpus has at least 150 stack files, valid and invalid', () => {
      expect(CORPUS.length).toBeGreaterThanOrEqual(150);
      const verdicts = CORPUS.map((f) => schemaAccepts(validate, readFileSync(join(CORPUS_DIR, f), 'utf8')));
      expect(verdicts.filter((v) => v).length).toBeGreaterThanOrEqual(50);
      expect(verdicts.filter((v) => !v).length).toBeGreaterThanOrEqual(50);
    });

    it('the valid corpus files use every service attribute and every top-level element of the schema', () => {
      const schema = JSON.parse(readFileSync(join(SHARED_DIR, 'spec/compose-spec.json'), 'utf8')) as {
        properties: Record<string, unknown>;
        $defs: { service: { properties: Record<string, unknown> } };
      };
      const serviceKeys = new Set<string>();
      const topKeys = new Set<string>();
      for (const f of CORPUS) {
        const text = readFileSync(join(CORPUS_DIR, f), 'utf8');
        if (!schemaAccepts(validate, text)) continue;
        for (const doc of parseAllDocuments(text, { merge: true, logLevel: 'silent' }) as unknown as {
          toJS(): unknown;
        }[]) {
          const value = doc.toJS() as Record<string, unknown>;
          for (const k of Object.keys(value)) topKeys.add(k);
          for (const s of Object.values(
            (value['services'] ?? {}) as Record<string, Record<string, unknown>>,
          )) {
            for (const k of Object.keys(s)) serviceKeys.add(k);
          }
        }
      }
      expect(Object.keys(schema.$defs.service.properties).filter((k) => !serviceKeys.has(k))).toEqual([]);
      expect(Object.keys(schema.properties).filter((k) => !topKeys.has(k))).toEqual([]);
    });

    it.each(CORPUS)('corpus %s', async (file) => {
      const expected = schemaAccepts(validate, readFileSync(join(CORPUS_DIR, file), 'utf8'));
      const actual = await loaderAccepts(join(CORPUS_DIR, file), CORPUS_DIR);
      if (CORPUS_CONSISTENCY_REJECTS[file] !== undefined) {
        expect({ schema: expected, loader: actual.ok }).toEqual({ schema: true, loader: false });
      } else {
        expect({ verdict: actual.ok, stderr: actual.stderr.split('\n')[0] }).toMatchObject({
          verdict: expected,
        });
      }
    });

    it('the specification examples', async () => {
      const examples = completeExamples();
      expect(examples.length).toBeGreaterThan(50);
      const mismatches: string[] = [];
      const unexpectedlyAgreeing: string[] = [];
      for (const example of examples) {
        const dir = join(scratch, example.id.replace(/[^a-z0-9]+/gi, '-'));
        rmSync(dir, { recursive: true, force: true });
        (await import('node:fs')).mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'compose.yaml'), example.text);
        const expected = schemaAccepts(validate, example.text);
        const actual = await loaderAccepts(join(dir, 'compose.yaml'), dir);
        const named = EXAMPLE_CONSISTENCY_REJECTS[example.id];
        if (named !== undefined) {
          if (!(expected && !actual.ok)) unexpectedlyAgreeing.push(`${example.id} (${named})`);
        } else if (expected !== actual.ok) {
          mismatches.push(
            `${example.id}: schema ${expected ? 'accepts' : 'rejects'}, loader ${actual.ok ? 'accepts' : `rejects: ${actual.stderr.split('\n').find((l) => l.startsWith('error:'))}`}`,
          );
        }
      }
      expect(mismatches).toEqual([]);
      expect(unexpectedlyAgreeing).toEqual([]);
    });
  },
);
