import { describe, expect, it } from "vitest";
import { ConnSet } from "../../src/network/conns.js";

describe("ConnSet", () => {
  it("prints protocols in order with merged port ranges", () => {
    const c = ConnSet.of("UDP", 53)
      .union(ConnSet.of("TCP", 8080, 8090))
      .union(ConnSet.of("TCP", 80))
      .union(ConnSet.of("TCP", 8091));
    expect(c.toString()).toBe("TCP 80,8080-8091;UDP 53");
  });

  it("prints All Connections only when every protocol has every port", () => {
    expect(ConnSet.of("TCP").union(ConnSet.of("UDP")).toString()).toBe("TCP;UDP");
    expect(ConnSet.of("TCP").union(ConnSet.of("UDP")).union(ConnSet.of("SCTP")).toString()).toBe(
      "All Connections",
    );
  });

  it("intersects per protocol", () => {
    const a = ConnSet.of("TCP", 1, 100).union(ConnSet.of("UDP", 53));
    const b = ConnSet.of("TCP", 80, 200);
    expect(a.intersect(b).toString()).toBe("TCP 80-100");
    expect(a.intersect(ConnSet.of("SCTP")).isEmpty()).toBe(true);
    expect(ConnSet.of("TCP", 80).subsetOf(a)).toBe(true);
    expect(ConnSet.of("TCP", 101).subsetOf(a)).toBe(false);
  });
});
