/**
 * `--security-opt seccomp=FILE`: a profile in Docker's format (the format of moby's
 * `default.json`, a superset of the runtime spec's `linux.seccomp`) turned into the runtime
 * spec's form for one container, as dockerd does it:
 * - `archMap`: the host's architecture and its sub-architectures; `architectures` when given;
 * - each syscall entry applies only if its `includes` hold (every listed capability held, the
 *   host's architecture listed, the kernel at least `minKernel`) and its `excludes` do not
 *   (no listed capability held, the architecture not listed);
 * - `name` (one syscall, older profiles) and `names`; `comment` is dropped.
 * Pure: the caller reads the file and knows the capabilities, architecture and kernel.
 */
import { EngineError } from '../errors.js';
import type { OciSeccomp } from './oci-config.js';

export interface SeccompHost {
  /** Node's `process.arch`. */
  readonly arch: string;
  /** `os.release()`, e.g. `6.1.0-13-amd64`. */
  readonly kernel: string;
}

/** Node's architecture → the profile's names: the Go name (`includes.arches`) and libseccomp's. */
const ARCHES: Readonly<Record<string, { go: string; scmp: string }>> = {
  x64: { go: 'amd64', scmp: 'SCMP_ARCH_X86_64' },
  arm64: { go: 'arm64', scmp: 'SCMP_ARCH_AARCH64' },
  arm: { go: 'arm', scmp: 'SCMP_ARCH_ARM' },
  ia32: { go: '386', scmp: 'SCMP_ARCH_X86' },
  ppc64: { go: 'ppc64le', scmp: 'SCMP_ARCH_PPC64LE' },
  s390x: { go: 's390x', scmp: 'SCMP_ARCH_S390X' },
  riscv64: { go: 'riscv64', scmp: 'SCMP_ARCH_RISCV64' },
  loong64: { go: 'loong64', scmp: 'SCMP_ARCH_LOONGARCH64' },
};

interface Filter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

interface DockerSyscall {
  name?: string;
  names?: string[];
  action: string;
  errnoRet?: number;
  args?: { index: number; value: number; valueTwo?: number; op: string }[] | null;
  includes?: Filter;
  excludes?: Filter;
}

function invalid(where: string, detail: string): EngineError {
  return new EngineError(
    'CONTAINER_SECCOMP_INVALID',
    `seccomp profile ${where}: ${detail}`,
    'a profile is JSON in Docker’s format (like moby’s default.json) or the runtime spec’s linux.seccomp',
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** `a.b.c` kernel versions compared numerically; `6.1.0-13-amd64` is 6.1.0. */
function kernelAtLeast(kernel: string, min: string): boolean {
  const parse = (v: string): number[] => (/^\d+(\.\d+)*/.exec(v)?.[0] ?? '0').split('.').map(Number);
  const [a, b] = [parse(kernel), parse(min)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

function filterHolds(f: unknown, caps: ReadonlySet<string>, arch: string, kernel: string, where: string) {
  if (f === undefined || f === null) return { includes: true, excludes: false };
  if (!isObject(f)) throw invalid(where, 'expected an object');
  const filter = f as Filter;
  for (const key of ['caps', 'arches'] as const)
    if (filter[key] !== undefined && !isStrings(filter[key]))
      throw invalid(`${where}.${key}`, 'expected a list of strings');
  if (filter.minKernel !== undefined && typeof filter.minKernel !== 'string')
    throw invalid(`${where}.minKernel`, 'expected a string');
  const capsListed = filter.caps ?? [];
  const archesListed = filter.arches ?? [];
  return {
    includes:
      capsListed.every((c) => caps.has(c)) &&
      (archesListed.length === 0 || archesListed.includes(arch)) &&
      (filter.minKernel === undefined || kernelAtLeast(kernel, filter.minKernel)),
    excludes: capsListed.some((c) => caps.has(c)) || archesListed.includes(arch),
  };
}

/** The runtime-spec filter of `profile` for a container holding `capabilities` (`CAP_…`). */
export function seccompFromProfile(
  profile: unknown,
  capabilities: readonly string[],
  host: SeccompHost,
  where = '',
): OciSeccomp {
  const at = (path: string): string => (where ? `${where}: ${path}` : path);
  if (!isObject(profile)) throw invalid(at('(top)'), 'expected a JSON object');
  if (typeof profile['defaultAction'] !== 'string') throw invalid(at('defaultAction'), 'required, a string');
  if (profile['listenerPath'])
    throw invalid(at('listenerPath'), 'seccomp notify (SCMP_ACT_NOTIFY) is not supported');
  const arch = ARCHES[host.arch];
  const caps = new Set(capabilities.map((c) => (c.startsWith('CAP_') ? c : `CAP_${c}`)));

  let architectures: string[] = [];
  if (profile['architectures'] !== undefined && profile['architectures'] !== null) {
    if (!isStrings(profile['architectures']))
      throw invalid(at('architectures'), 'expected a list of strings');
    architectures = [...profile['architectures']];
  }
  if (Array.isArray(profile['archMap']) && arch) {
    for (const [i, entry] of profile['archMap'].entries()) {
      if (!isObject(entry) || typeof entry['architecture'] !== 'string')
        throw invalid(at(`archMap[${i}]`), 'expected {architecture, subArchitectures}');
      if (entry['architecture'] !== arch.scmp) continue;
      const subs = entry['subArchitectures'] ?? [];
      if (!isStrings(subs)) throw invalid(at(`archMap[${i}].subArchitectures`), 'expected a list of strings');
      architectures.push(arch.scmp, ...subs);
    }
  }

  const rawCalls = profile['syscalls'] ?? [];
  if (!Array.isArray(rawCalls)) throw invalid(at('syscalls'), 'expected a list');
  const syscalls: OciSeccomp['syscalls'] = [];
  for (const [i, raw] of rawCalls.entries()) {
    const entry = at(`syscalls[${i}]`);
    if (!isObject(raw) || typeof raw['action'] !== 'string')
      throw invalid(entry, 'expected an object with an action');
    const call = raw as unknown as DockerSyscall;
    const names = call.names ?? (call.name !== undefined ? [call.name] : undefined);
    if (!isStrings(names) || names.length === 0)
      throw invalid(`${entry}.names`, 'expected a list of syscall names');
    if (call.args !== undefined && call.args !== null && !Array.isArray(call.args))
      throw invalid(`${entry}.args`, 'expected a list');
    const goArch = arch?.go ?? host.arch;
    if (!filterHolds(call.includes, caps, goArch, host.kernel, `${entry}.includes`).includes) continue;
    if (filterHolds(call.excludes, caps, goArch, host.kernel, `${entry}.excludes`).excludes) continue;
    syscalls.push({
      names: [...names],
      action: call.action,
      ...(call.errnoRet !== undefined ? { errnoRet: call.errnoRet } : {}),
      ...(call.args && call.args.length > 0 ? { args: call.args.map((a) => ({ ...a })) } : {}),
    });
  }
  const out: OciSeccomp = {
    defaultAction: profile['defaultAction'],
    architectures: [...new Set(architectures)],
    syscalls,
  };
  if (typeof profile['defaultErrnoRet'] === 'number') out.defaultErrnoRet = profile['defaultErrnoRet'];
  if (isStrings(profile['flags']) && profile['flags'].length > 0) out.flags = [...profile['flags']];
  return out;
}
