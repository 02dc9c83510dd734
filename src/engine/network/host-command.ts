import { spawn } from 'node:child_process';
import { EngineError } from '../errors.js';

/**
 * Runs one host networking tool (`ip`, `nft`, `nsenter`, `conntrack`) with explicit arguments —
 * never through a shell — and a fixed environment, so nothing of the caller's environment (a
 * locale, an `NFT_*` variable) changes what is parsed. Waits for the process to close; the
 * signal kills it (SIGKILL: these tools hold no state worth a graceful stop).
 */
export interface HostCommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HostCommandOptions {
  readonly input?: string;
  readonly signal?: AbortSignal;
  /** Return a failed result instead of throwing. */
  readonly allowFailure?: boolean;
}

const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

export function runHostCommand(
  argv: readonly string[],
  options: HostCommandOptions = {},
): Promise<HostCommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('runHostCommand: empty argv');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: ENV,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      signal: options.signal,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') reject(err);
      else if (err.code === 'ENOENT') {
        reject(
          new EngineError(
            'NETWORK_TOOL_MISSING',
            `${file}: not found on this host`,
            'install iproute2, nftables and util-linux (apt-get install -y iproute2 nftables util-linux)',
            { cause: err },
          ),
        );
      } else reject(err);
    });
    child.on('close', (code, signal) => {
      if (options.signal?.aborted) {
        reject(options.signal.reason);
        return;
      }
      const result = { code: code ?? 128 + (signal ? 9 : 0), stdout, stderr };
      if (result.code !== 0 && !options.allowFailure) {
        reject(
          new EngineError(
            'NETWORK_HOST_COMMAND_FAILED',
            `${argv.join(' ')}: exit ${result.code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        );
        return;
      }
      resolve(result);
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    }
  });
}
