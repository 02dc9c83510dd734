import { SourceMap } from './document/source-map.js';
import type { YamlValue } from './document/yaml-value.js';
import { SpecError, type SourcePosition, type SpecErrorCode } from './errors.js';
import { formatPath, type FieldPath } from './field-path.js';
import type { SpecFileReader } from './spec-file-reader.js';

/** Something the loader accepted but the user should know (unset variable, obsolete key). */
export interface SpecWarning {
  readonly message: string;
  /** `services.web.image` when the warning is about one field. */
  readonly path?: string;
  readonly position?: SourcePosition;
}

/** Switches matching Compose's `config --no-*` flags; all default to true. */
export interface LoadSwitches {
  readonly interpolate: boolean;
  readonly normalize: boolean;
  readonly consistency: boolean;
  readonly resolvePaths: boolean;
  /** Read `env_file`/`label_file` into `environment`/`labels` of active services. */
  readonly resolveEnvironment: boolean;
  /** Validate against the schema (off only for `config --variables`, as Compose does). */
  readonly validate: boolean;
}

export interface FailOptions {
  /** Document the path is relative to, to find the position. */
  readonly root?: YamlValue;
  readonly path?: FieldPath;
  /** Point at the key (unknown keys) or at its value (the default). */
  readonly which?: 'key' | 'value';
  readonly position?: SourcePosition;
  readonly hint?: string;
  readonly cause?: unknown;
}

/**
 * What every stage of one load shares: positions, the file reader, switches, warnings. Created by
 * `loadProject`; stages never reach anything else (no process.env, no clock, no cwd).
 */
export class LoaderContext {
  readonly sourceMap = new SourceMap();
  private readonly seenWarnings = new Set<string>();
  /** Texts of files already read, so a base file extended 500 times is read once. */
  readonly fileTexts = new Map<string, string | undefined>();

  constructor(
    readonly reader: SpecFileReader,
    readonly switches: LoadSwitches,
    /** Directory file names in messages are shown relative to (the project directory). */
    readonly displayBase: string,
    private readonly onWarning: ((warning: SpecWarning) => void) | undefined,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** Locates `path` under `root` in the source files. */
  locate(
    root: YamlValue | undefined,
    path: FieldPath,
    which: 'key' | 'value' = 'value',
  ): SourcePosition | undefined {
    return root === undefined ? undefined : this.sourceMap.locate(root, path, which);
  }

  fail(code: SpecErrorCode, detail: string, options: FailOptions = {}): never {
    const path = options.path;
    throw new SpecError({
      code,
      detail,
      path: path === undefined ? undefined : formatPath(path),
      position:
        options.position ?? (path === undefined ? undefined : this.locate(options.root, path, options.which)),
      displayBase: this.displayBase,
      hint: options.hint,
      cause: options.cause,
    });
  }

  warn(message: string, root?: YamlValue, path?: FieldPath): void {
    const position = path === undefined ? undefined : this.locate(root, path);
    const warning: SpecWarning = {
      message,
      ...(path === undefined ? {} : { path: formatPath(path) }),
      ...(position === undefined ? {} : { position }),
    };
    const key = `${warning.position?.file}:${warning.position?.line}:${warning.position?.col}:${warning.path}:${message}`;
    if (this.seenWarnings.has(key)) return;
    this.seenWarnings.add(key);
    this.onWarning?.(warning);
  }

  /** The reader, through the per-load cache (an env_file shared by 500 services is read once). */
  readonly cachedReader: SpecFileReader = { readText: (path) => this.readText(path) };

  /** Reads a file once per load; `undefined` when it does not exist. */
  async readText(path: string): Promise<string | undefined> {
    if (this.fileTexts.has(path)) return this.fileTexts.get(path);
    this.signal?.throwIfAborted();
    const text = await this.reader.readText(path, this.signal);
    this.fileTexts.set(path, text);
    return text;
  }
}
