/**
 * IPv4 addresses and prefixes as unsigned 32-bit numbers, so containment, overlap and "next
 * address" are arithmetic. Parsing is strict: four decimal octets without leading zeros (so
 * `010.0.0.1` is not silently read as octal by one tool and decimal by another).
 */

export interface Ipv4Prefix {
  /** The network address (host bits zero). */
  readonly base: number;
  readonly length: number;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** The address as a number, or undefined when `text` is not a dotted quad. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** The netmask of a prefix length, as a number (`/24` → 0xffffff00). */
export function prefixMask(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

export interface ParsedCidr {
  readonly prefix: Ipv4Prefix;
  /** The address as written (may have host bits set, as `10.0.0.5/24`). */
  readonly address: number;
}

/** Parses `a.b.c.d/n` (a bare address reads as `/32`); undefined when malformed. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const lengthText = slash < 0 ? '32' : text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]?)$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  const address = parseIpv4(addressText);
  if (address === undefined || length > 32) return undefined;
  return { prefix: { base: (address & prefixMask(length)) >>> 0, length }, address };
}

export function formatPrefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.base)}/${prefix.length}`;
}

/** The last address of the prefix (the broadcast address for /0–/30). */
export function prefixLast(prefix: Ipv4Prefix): number {
  return (prefix.base | (~prefixMask(prefix.length) >>> 0)) >>> 0;
}

export function prefixContains(prefix: Ipv4Prefix, address: number): boolean {
  return (address & prefixMask(prefix.length)) >>> 0 === prefix.base;
}

/** Whether `inner` lies entirely inside `outer`. */
export function prefixCovers(outer: Ipv4Prefix, inner: Ipv4Prefix): boolean {
  return inner.length >= outer.length && prefixContains(outer, inner.base);
}

export function prefixesOverlap(a: Ipv4Prefix, b: Ipv4Prefix): boolean {
  return prefixCovers(a, b) || prefixCovers(b, a);
}
