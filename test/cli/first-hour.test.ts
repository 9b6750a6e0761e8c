/** The first-hour mistakes (issue: a CLI that never lies): each is refused in plain words with exit 2. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBuiltCli } from "../support/built-cli.js";

const dir = mkdtempSync(join(tmpdir(), "kubefence-first-hour-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keyPair(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=x",
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}

describe("mistakes a new user makes", () => {
  it("podsec -n with a namespace that is not there is an error, not 'no pods found'", () => {
    expect(runBuiltCli(["podsec", "--demo", "-n", "nosuchns"])).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'error: namespace "nosuchns" not found in what was read (namespaces: default, kube-system, network, test-namespace)\n',
    });
    expect(runBuiltCli(["podsec", "--demo", "-n", "network"]).stdout).toContain("network     Pod    nginx");
  });

  it("audit -n outside manifests is refused: audit judges every tenant", () => {
    const { code, stderr } = runBuiltCli(["audit", "--demo", "-n", "network"]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "audit judges every tenant of the cluster; -n/--namespace only sets where objects of -f manifests",
    );
  });

  it("webhook serve names the bad certificate or key file instead of printing OpenSSL's error", () => {
    const good = keyPair("good");
    const other = keyPair("other");
    const junk = join(dir, "junk.pem");
    writeFileSync(junk, "not a pem\n");
    const serve = (cert: string, key: string) =>
      runBuiltCli([
        "webhook",
        "serve",
        "--tls-cert-file",
        cert,
        "--tls-private-key-file",
        key,
        "--port",
        "0",
      ]);
    expect(serve(junk, good.key)).toMatchObject({
      code: 2,
      stderr: `error: --tls-cert-file ${junk}: not a PEM certificate (-----BEGIN CERTIFICATE-----)\n`,
    });
    expect(serve(good.cert, junk)).toMatchObject({
      code: 2,
      stderr: `error: --tls-private-key-file ${junk}: not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC)\n`,
    });
    expect(serve(good.cert, other.key)).toMatchObject({
      code: 2,
      stderr: `error: --tls-private-key-file ${other.key} is not the key of the certificate in --tls-cert-file ${good.cert}\n`,
    });
    expect(serve(join(dir, "missing.crt"), good.key)).toMatchObject({
      code: 2,
      stderr: `error: --tls-cert-file ${join(dir, "missing.crt")}: no such file\n`,
    });
  });
});
