import { spawn } from 'node:child_process';
import { EngineError } from '../errors.js';

/**
 * Directories of an overlay upper layer marked opaque (`trusted.overlay.opaque=y`: the directory
 * was deleted and made again, hiding everything below it in the lower layers), as archive names
 * relative to `upper` with a trailing `/`. Node cannot read extended attributes, so attr's
 * `getfattr` lists them in one pass (`-R`, links not followed).
 */
export function opaqueDirectories(upper: string, signal?: AbortSignal): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'getfattr',
      [
        '--absolute-names',
        '--no-dereference',
        '--recursive',
        '--dump',
        '--match',
        '^trusted\\.overlay\\.opaque$',
        upper,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
        signal,
      },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new EngineError(
              'ENGINE_TOOL_MISSING',
              'getfattr: not found on this host',
              'install the attr package (apt-get install -y attr)',
              { cause: e },
            )
          : e,
      ),
    );
    child.on('close', (code) => {
      if (code !== 0 && out === '') {
        reject(
          new EngineError('CONTAINER_COMMIT_FAILED', `getfattr ${upper}: ${err.trim() || `exit ${code}`}`),
        );
        return;
      }
      resolve(parseOpaque(out, upper));
    });
  });
}

/** Parses `getfattr --dump` output: `# file: PATH` then `name="value"` lines. */
export function parseOpaque(text: string, upper: string): Set<string> {
  const out = new Set<string>();
  let file: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) file = unescapeGetfattr(line.slice(8));
    else if (file && /^trusted\.overlay\.opaque="y"$/.test(line)) {
      if (file.startsWith(`${upper}/`)) out.add(`${file.slice(upper.length + 1)}/`);
    }
  }
  return out;
}

/** getfattr escapes unusual bytes in names as `\ooo`. */
function unescapeGetfattr(s: string): string {
  return Buffer.from(
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))),
    'latin1',
  ).toString('utf8');
}
