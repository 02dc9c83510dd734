import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EngineError } from '../errors.js';
import type { Upstream } from './resolv-conf.js';

/**
 * The DNS responder's input files (format: native/dns.h), rendered from the network records.
 * One file per network, so a reload re-reads everything but a change rewrites one file; plus
 * the upstreams and a generation counter the responder echoes in its status once it has loaded
 * a change.
 */
export interface DnsEntry {
  readonly containerId: string;
  readonly address: string;
  /** Container name, aliases, service name: every replica carrying a name is an answer for it. */
  readonly names: readonly string[];
}

export interface DnsNetwork {
  readonly name: string;
  readonly gateway: string;
  /** CIDR. */
  readonly subnet: string;
  readonly internal: boolean;
  readonly entries: readonly DnsEntry[];
}

/**
 * A name as DNS can carry it in our records: labels of letters, digits, `-` and `_` (compose
 * service names allow `_`; Docker serves them), 1-63 chars each, 253 in all.
 */
const DNS_NAME =
  /^(?=.{1,253}$)[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*$/;

export function isDnsName(name: string): boolean {
  return DNS_NAME.test(name);
}

export function assertDnsName(name: string, what: string): string {
  if (!isDnsName(name)) {
    throw new EngineError(
      'NETWORK_DNS_NAME_INVALID',
      `${what} "${name}" cannot be a DNS name`,
      'use labels of letters, digits, "-" and "_", separated by dots',
    );
  }
  return name;
}

export function renderDnsNetwork(n: DnsNetwork): string {
  const lines = [
    '# tscompose dns records v1',
    `network ${n.name} ${n.gateway} ${n.subnet} ${n.internal ? 'internal' : 'external'}`,
  ];
  const entries = [...n.entries].sort((a, b) =>
    a.containerId < b.containerId ? -1 : a.containerId > b.containerId ? 1 : 0,
  );
  for (const e of entries) {
    const names = e.names.filter(isDnsName);
    if (names.length > 0) lines.push(`${e.containerId} ${e.address} ${names.join(',')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderUpstreams(upstreams: readonly Upstream[]): string {
  return upstreams.map((u) => `${u.address} ${u.port}\n`).join('');
}

/**
 * Replaces a file by renaming a complete temp file over it: the responder never reads half a
 * file. No fsync: these files live under the run dir and are rebuilt from the network records
 * whenever they are lost (saving ~6 ms per file on every change).
 */
async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/** The records directory (`<run>/dns`). */
export class DnsRecordsDir {
  constructor(readonly dir: string) {}

  get networksDir(): string {
    return join(this.dir, 'networks');
  }

  /**
   * Makes the directory hold exactly these records and upstreams. Returns the generation the
   * responder must reach, and whether anything changed (when nothing did, there is nothing to
   * reload and the generation is not bumped).
   */
  async write(
    networks: readonly DnsNetwork[],
    upstreams: readonly Upstream[],
  ): Promise<{ generation: number; changed: boolean }> {
    await mkdir(this.networksDir, { recursive: true, mode: 0o700 });
    let changed = false;
    const wanted = new Set(networks.map((n) => n.name));
    for (const n of networks) {
      const path = join(this.networksDir, n.name);
      const text = renderDnsNetwork(n);
      if ((await readText(path)) !== text) {
        await replaceFile(path, text);
        changed = true;
      }
    }
    for (const file of await readdir(this.networksDir)) {
      if (!file.startsWith('.') && !wanted.has(file)) {
        await rm(join(this.networksDir, file), { force: true });
        changed = true;
      }
    }
    const upstreamsPath = join(this.dir, 'upstreams');
    const upstreamsText = renderUpstreams(upstreams);
    if ((await readText(upstreamsPath)) !== upstreamsText) {
      await replaceFile(upstreamsPath, upstreamsText);
      changed = true;
    }
    let generation = await this.generation();
    if (changed || generation === 0) {
      generation += 1;
      await replaceFile(join(this.dir, 'generation'), `${generation}\n`);
    }
    return { generation, changed };
  }

  async generation(): Promise<number> {
    const n = Number((await readText(join(this.dir, 'generation')))?.trim() ?? '0');
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
