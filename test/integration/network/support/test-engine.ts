import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findNativeBinary } from '../../../../src/engine/native-binary.js';
import {
  NetworkManager,
  type EndpointInfo,
  type NetworkManagerDeps,
} from '../../../../src/engine/network/index.js';
import { Runtime } from '../../../../src/engine/runtime.js';
import { EngineLock, enginePaths } from '../../../../src/engine/store/index.js';
import { makeEngineRoot } from '../../../helpers/engine-root.js';
import { hostLeaks } from '../../../helpers/host-leaks.js';

/**
 * Network namespaces standing in for containers, driven through the real NetworkManager of a
 * temporary engine root. Commands run inside with `ip netns exec`, which also bind-mounts
 * /etc/netns/<netns>/resolv.conf over /etc/resolv.conf — the container's resolv.conf, as the
 * engine renders it.
 */
export interface TestEngine {
  readonly root: string;
  readonly manager: NetworkManager;
  readonly warnings: string[];
  /** Every host-leaks line of this engine (its links, netns, table, processes, mounts). */
  leaks(): string[];
  cleanup(): Promise<void>;
}

export async function openTestEngine(
  label: string,
  over: Partial<NetworkManagerDeps> & { resolvConfText?: string } = {},
): Promise<TestEngine> {
  const made = await makeEngineRoot(label);
  const paths = enginePaths(made.root);
  const hostResolvConf = join(made.root, 'host-resolv.conf');
  await writeFile(hostResolvConf, over.resolvConfText ?? '');
  const warnings: string[] = [];
  const manager = await NetworkManager.open({
    paths,
    lock: new EngineLock(made.root),
    runtime: new Runtime({ binary: findNativeBinary() }),
    hostResolvConf,
    onWarning: (m) => warnings.push(m),
    ...over,
  });
  const names = manager.hostNames;
  return {
    root: made.root,
    manager,
    warnings,
    leaks: () => [
      ...new Set([...hostLeaks(names.linkPrefix), ...hostLeaks(names.table), ...hostLeaks(made.root)]),
    ],
    cleanup: made.cleanup,
  };
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs argv (in a netns when given) with `input` on stdin, killed after timeoutMs. */
export function run(
  netns: string | undefined,
  argv: readonly string[],
  timeoutMs = 10_000,
  input?: string,
): Promise<ExecResult> {
  const full = netns ? ['ip', 'netns', 'exec', netns, ...argv] : [...argv];
  return new Promise((resolve, reject) => {
    const child = spawn(full[0]!, full.slice(1), {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 137 : 1), stdout, stderr }));
    child.stdin?.end(input);
  });
}

/** GETs `url` with busybox wget (from a netns when given); body on success, undefined on failure. */
export async function httpGet(
  netns: string | undefined,
  url: string,
  timeoutS = 3,
): Promise<string | undefined> {
  // busybox 1.35's `wget -T` crashes; `timeout` bounds it instead.
  const r = await run(
    netns,
    ['timeout', String(timeoutS), 'busybox', 'wget', '-q', '-O-', url],
    (timeoutS + 5) * 1000,
  );
  return r.code === 0 ? r.stdout : undefined;
}

/** Resolves `name` with busybox nslookup against the netns's resolv.conf; the A records found. */
export async function lookup(netns: string, name: string): Promise<string[]> {
  const r = await run(netns, ['timeout', '5', 'busybox', 'nslookup', '-type=a', name]);
  const out = r.stdout.split('\n');
  const start = out.findIndex((l) => l.startsWith('Name:'));
  if (start < 0) return [];
  return out
    .slice(start)
    .map((l) => /^Address:\s+([0-9.]+)$/.exec(l)?.[1])
    .filter((a): a is string => a !== undefined)
    .sort();
}

/** A container stand-in: a netns made by the engine, connected to networks, running programs. */
export class FakeContainer {
  private readonly daemons: ChildProcess[] = [];
  readonly endpoints: EndpointInfo[] = [];
  netnsPath = '';

  constructor(
    private readonly engine: TestEngine,
    readonly id: string,
    readonly name: string,
  ) {}

  get netns(): string {
    return this.engine.manager.hostNames.netns(this.id);
  }

  async create(): Promise<this> {
    this.netnsPath = await this.engine.manager.createNetns(this.id);
    return this;
  }

  async connect(
    network: string,
    o: { aliases?: string[]; ipv4Address?: string } = {},
  ): Promise<EndpointInfo> {
    const ep = await this.engine.manager.connect(network, {
      containerId: this.id,
      containerName: this.name,
      netnsPath: this.netnsPath,
      ...(o.aliases ? { aliases: o.aliases } : {}),
      ...(o.ipv4Address ? { ipv4Address: o.ipv4Address } : {}),
    });
    this.endpoints.push(ep);
    await mkdir(`/etc/netns/${this.netns}`, { recursive: true });
    await writeFile(`/etc/netns/${this.netns}/resolv.conf`, await this.engine.manager.resolvConf(this.id));
    return ep;
  }

  address(network: string): string {
    return this.endpoints.find((e) => e.networkName === network)!.ipv4Address;
  }

  exec(argv: readonly string[], timeoutMs?: number): Promise<ExecResult> {
    return run(this.netns, argv, timeoutMs);
  }

  /** Starts a long-running program inside (killed by remove()). */
  daemon(argv: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.netns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('error', () => undefined);
    this.daemons.push(child);
    return child;
  }

  /** Serves `body` over HTTP on `port` with busybox httpd, once it answers. */
  async serveHttp(port: number, body: string, dir: string): Promise<void> {
    const www = join(dir, `www-${this.id}-${port}`);
    await mkdir(www, { recursive: true });
    await writeFile(join(www, 'index.html'), body);
    this.daemon(['busybox', 'httpd', '-f', '-p', String(port), '-h', www]);
    const deadline = Date.now() + 5000;
    while ((await httpGet(this.netns, `http://127.0.0.1:${port}/`, 1)) !== body) {
      if (Date.now() > deadline) throw new Error(`httpd in ${this.netns} did not start on port ${port}`);
    }
  }

  async stopDaemons(): Promise<void> {
    await Promise.all(
      this.daemons.splice(0).map(
        (d) =>
          new Promise<void>((resolve) => {
            if (d.exitCode !== null || d.signalCode !== null) return resolve();
            d.once('close', () => resolve());
            d.kill('SIGKILL');
          }),
      ),
    );
  }

  /** Kills its programs and releases everything the engine made for it. */
  async remove(): Promise<void> {
    await this.stopDaemons();
    await this.engine.manager.release(this.id);
    await rm(`/etc/netns/${this.netns}`, { recursive: true, force: true });
    // /etc/netns itself goes too once no test uses it (iproute2 never removes it).
    await rmdir('/etc/netns').catch(() => undefined);
  }
}

/** The host's first global IPv4 address that is not one of ours (its "LAN address"). */
export function hostAddress(): string {
  const r = spawnSync('ip', ['-j', '-4', 'addr', 'show', 'scope', 'global'], { encoding: 'utf8' });
  const links = JSON.parse(r.stdout) as { ifname: string; addr_info: { local: string }[] }[];
  for (const l of links) {
    if (l.ifname.startsWith('tsc')) continue;
    const a = l.addr_info[0]?.local;
    if (a) return a;
  }
  throw new Error('no global IPv4 address on this host');
}

/**
 * "Another host": a netns joined to the host by a veth pair with its own /30 from 198.18.0.0/15
 * (the benchmarking range), its default route via the host — so it reaches the host's addresses
 * the way a LAN neighbour would.
 */
export class RemoteHost {
  readonly hostSide: string;
  readonly localAddress: string;
  readonly remoteAddress: string;

  constructor(
    readonly netns: string,
    prefix: string,
  ) {
    this.hostSide = `${prefix}r${Math.floor(Math.random() * 1e5)}`;
    const third = Math.floor(Math.random() * 256);
    const fourth = 4 * Math.floor(Math.random() * 63);
    this.localAddress = `198.18.${third}.${fourth + 1}`;
    this.remoteAddress = `198.18.${third}.${fourth + 2}`;
  }

  async create(): Promise<this> {
    const steps = [
      ['ip', 'netns', 'add', this.netns],
      ['ip', 'link', 'add', this.hostSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.netns],
      ['ip', 'addr', 'add', `${this.localAddress}/30`, 'dev', this.hostSide],
      ['ip', 'link', 'set', this.hostSide, 'up'],
      ['ip', '-n', this.netns, 'addr', 'add', `${this.remoteAddress}/30`, 'dev', 'eth0'],
      ['ip', '-n', this.netns, 'link', 'set', 'eth0', 'up'],
      ['ip', '-n', this.netns, 'link', 'set', 'lo', 'up'],
      ['ip', '-n', this.netns, 'route', 'add', 'default', 'via', this.localAddress],
    ];
    for (const argv of steps) {
      const r = await run(undefined, argv);
      if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
    }
    return this;
  }

  async remove(): Promise<void> {
    await run(undefined, ['ip', 'link', 'del', this.hostSide]);
    await run(undefined, ['ip', 'netns', 'del', this.netns]);
  }
}
