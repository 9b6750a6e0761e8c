import { describe, expect, it } from "vitest";
import { formatIP, formatRange, parseCIDR, parseIP } from "../../src/model/ip.js";
import { buildAtoms } from "../../src/network/classes.js";

describe("IP addresses and CIDRs (ParseCIDRSloppy)", () => {
  it("parses IPv4 with leading zeros as decimal, and masks host bits", () => {
    expect(parseCIDR("010.000.0.1/8")).toMatchObject({
      family: 4,
      prefix: 8,
      first: 10n << 24n,
      hostBitsSet: true,
    });
    expect(parseCIDR("10.0.0.0/33")).toBeUndefined();
    expect(parseCIDR("10.0.0/8")).toBeUndefined();
    expect(parseIP("256.1.1.1")).toBeUndefined();
  });

  it("parses and prints IPv6 in RFC 5952 form", () => {
    const ip = parseIP("2001:db8:0:0:0:0:0:1")!;
    expect(formatIP(6, ip.value)).toBe("2001:db8::1");
    expect(formatIP(6, parseIP("::ffff:1.2.3.4")!.value)).toBe("::ffff:102:304");
    expect(parseCIDR("2001:db8::/32")).toMatchObject({ family: 6, prefix: 32 });
  });

  it("splits the address space into disjoint ranges at every CIDR boundary", () => {
    const atoms = buildAtoms([parseCIDR("10.0.0.0/8")!, parseCIDR("10.1.0.0/16")!], new Set());
    expect(atoms.ranges.map(formatRange)).toEqual([
      "0.0.0.0-9.255.255.255",
      "10.0.0.0-10.0.255.255",
      "10.1.0.0-10.1.255.255",
      "10.2.0.0-10.255.255.255",
      "11.0.0.0-255.255.255.255",
    ]);
    expect(atoms.atomOf(4, parseIP("10.1.2.3")!.value)).toBe(2);
    expect(atoms.inside(parseCIDR("10.0.0.0/8")!)).toEqual({ from: 1, to: 4 });
  });
});
