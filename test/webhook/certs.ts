/** A throwaway CA and a serving certificate for 127.0.0.1 (openssl; node:crypto cannot issue X.509). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificates {
  dir: string;
  caFile: string;
  ca: string;
  certFile: string;
  keyFile: string;
}

export function makeCertificates(
  dir = mkdtempSync(join(tmpdir(), "kubefence-certs-")),
  prefix = "",
): TestCertificates {
  const path = (name: string) => join(dir, `${prefix}${name}`);
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    path("ca.key"),
    "-out",
    path("ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=kubefence-test-ca",
  );
  openssl(
    "req",
    ...ec,
    "-keyout",
    path("tls.key"),
    "-out",
    path("tls.csr"),
    "-subj",
    "/CN=kubefence-webhook",
  );
  writeFileSync(
    path("ext.cnf"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
  );
  openssl(
    "x509",
    "-req",
    "-in",
    path("tls.csr"),
    "-CA",
    path("ca.crt"),
    "-CAkey",
    path("ca.key"),
    "-CAcreateserial",
    "-out",
    path("tls.crt"),
    "-days",
    "2",
    "-extfile",
    path("ext.cnf"),
  );
  return {
    dir,
    caFile: path("ca.crt"),
    ca: readFileSync(path("ca.crt"), "utf8"),
    certFile: path("tls.crt"),
    keyFile: path("tls.key"),
  };
}

/** A kubeconfig for a server on `url` that trusts the test CA and sends a bearer token, written to `file`. */
export function writeFakeKubeconfig(file: string, url: string, certs: TestCertificates): string {
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{ name: fake, cluster: { server: "${url}", certificate-authority: "${certs.caFile}" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: fake, context: { cluster: fake, user: u } }]
current-context: fake
`,
  );
  return file;
}
