/**
 * IP addresses and CIDRs as the API server parses them (k8s.io/utils/net ParseCIDRSloppy: IPv4 octets may
 * carry leading zeros, host bits beyond the prefix are masked off). Addresses are bigints so IPv4 and IPv6
 * share one arithmetic; ranges are inclusive.
 */

export type Family = 4 | 6;

export interface IPRange {
  family: Family;
  first: bigint;
  last: bigint;
}

const V4_BITS = 32;
const V6_BITS = 128;

export function familyBits(family: Family): number {
  return family === 4 ? V4_BITS : V6_BITS;
}

/** The whole address space of a family. */
export function familyRange(family: Family): IPRange {
  return { family, first: 0n, last: (1n << BigInt(familyBits(family))) - 1n };
}

/** Parses an IPv4 or IPv6 address (sloppy IPv4: leading zeros are decimal); undefined when malformed. */
export function parseIP(text: string): { family: Family; value: bigint } | undefined {
  if (text.includes(":")) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

function parseIPv4(text: string): bigint | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return undefined;
    } else return undefined;
  }
  if (digits === 0 || dots !== 3) return undefined;
  return BigInt(value * 256 + octet);
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  let v4tail: bigint | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    v4tail = parseIPv4(text.slice(lastColon + 1));
    if (v4tail === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  if (v4tail !== undefined) value = (value & ~0xffffffffn) | v4tail;
  return value;
}

export interface CIDR extends IPRange {
  prefix: number;
  /** True when bits beyond the prefix were set (`10.0.0.1/8`): accepted, but ambiguous. */
  hostBitsSet: boolean;
}

/** net.ParseCIDR as ParseCIDRSloppy: `addr/len`, len decimal and within the family. */
export function parseCIDR(text: string): CIDR | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIP(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(lengthText)) return undefined;
  const prefix = Number(lengthText);
  const bits = familyBits(ip.family);
  if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const first = ip.value & ~hostMask;
  return {
    family: ip.family,
    first,
    last: first | hostMask,
    prefix,
    hostBitsSet: (ip.value & hostMask) !== 0n,
  };
}

export function formatIP(family: Family, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  // RFC 5952: the longest run (≥ 2) of zero groups becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(":");
  return `${groups.slice(0, bestStart).join(":")}::${groups.slice(bestStart + bestLength).join(":")}`;
}

/** `a.b.c.d-e.f.g.h`, the form netmap prints external ranges in. */
export function formatRange(range: IPRange): string {
  return `${formatIP(range.family, range.first)}-${formatIP(range.family, range.last)}`;
}
