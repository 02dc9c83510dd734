import { EngineError } from '../errors.js';

import type { Platform } from '../types.js';

export type { Platform };

/** Go's GOARCH names for Node's `process.arch`. */
const NODE_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/** Spellings people and tools use for the same architecture (containerd `platforms` rules). */
const ARCH_ALIASES: Readonly<Record<string, { architecture: string; variant?: string }>> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
  i386: { architecture: '386' },
  i686: { architecture: '386' },
};

/** Normalizes case and aliases; arm64's default variant v8 is dropped (arm64 = arm64/v8). */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase();
  const alias = ARCH_ALIASES[architecture];
  if (alias) {
    architecture = alias.architecture;
    variant ??= alias.variant;
  }
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) variant = undefined;
  if (architecture === 'arm' && variant !== undefined && /^[5-8]$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The platform this process runs on (the default for pulls). */
export function hostPlatform(): Platform {
  const architecture = NODE_ARCH[process.arch] ?? process.arch;
  // Node does not expose the ARM version; v7 is what 32-bit ARM Linux distributions target today.
  return architecture === 'arm'
    ? { os: 'linux', architecture, variant: 'v7' }
    : { os: 'linux', architecture };
}

/** Parses `os/arch[/variant]` (or `arch` alone, meaning linux) as `--platform` takes it. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().split('/');
  if (parts.some((p) => p === '') || parts.length > 3) {
    throw new EngineError(
      'IMAGE_PLATFORM_INVALID',
      `platform "${text}": expected os/arch[/variant], e.g. linux/amd64 or linux/arm/v7`,
    );
  }
  if (parts.length === 1) return normalizePlatform({ os: 'linux', architecture: parts[0]! });
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalizePlatform(variant ? { os, architecture, variant } : { os, architecture });
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** BuildKit attestation manifests sit in indexes with platform unknown/unknown: never pulled. */
export function isUnknownPlatform(p: Platform | undefined): boolean {
  return p !== undefined && p.os === 'unknown' && p.architecture === 'unknown';
}

/**
 * How well `candidate` serves `wanted`: undefined = not at all; lower = better. os and
 * architecture must be equal; a wanted variant must match exactly, except that an older ARM
 * variant runs on a newer CPU (v7 runs v6 and v5 images); with no variant wanted, an entry
 * without one is best, then the highest variant.
 */
export function platformRank(wanted: Platform, candidate: Platform): number | undefined {
  const w = normalizePlatform(wanted);
  const c = normalizePlatform(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return undefined;
  if (w.variant === c.variant) return 0;
  if (w.architecture === 'arm') {
    const wv = Number((w.variant ?? 'v7').slice(1));
    const cv = c.variant === undefined ? undefined : Number(c.variant.slice(1));
    if (cv === undefined) return 1;
    if (cv <= wv) return 1 + (wv - cv);
    return undefined;
  }
  if (w.variant === undefined) return c.variant === undefined ? 0 : 1;
  return c.variant === undefined ? 1 : undefined;
}

/**
 * Picks the index entry for `wanted`: the best-ranked entry, the first of equals (registries list
 * the preferred one first). Entries without a platform or with unknown/unknown are skipped.
 */
export function selectPlatform<T extends { readonly platform?: Platform }>(
  entries: readonly T[],
  wanted: Platform,
): T | undefined {
  let best: { entry: T; rank: number } | undefined;
  for (const entry of entries) {
    if (!entry.platform || isUnknownPlatform(entry.platform)) continue;
    const rank = platformRank(wanted, entry.platform);
    if (rank === undefined) continue;
    if (!best || rank < best.rank) best = { entry, rank };
  }
  return best?.entry;
}

export function platformsEqual(a: Platform, b: Platform): boolean {
  return formatPlatform(normalizePlatform(a)) === formatPlatform(normalizePlatform(b));
}
