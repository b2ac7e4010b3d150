/**
 * A throw-away certificate authority and a broker certificate it signed, made with the openssl command
 * (Debian's openssl package, installed by .ci/system-deps.sh), for tests of MQTT over TLS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificates {
  /** PEM of the CA's certificate (what a client must trust). */
  caPem: string;
  caFile: string;
  /** The broker's certificate (for 127.0.0.1 and localhost) and key, PEM files. */
  certFile: string;
  keyFile: string;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  const run = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (run.error !== undefined) {
    throw new Error(`openssl is not installed (${run.error.message}): install it with \`bash .ci/system-deps.sh\` or \`sudo apt-get install openssl\``);
  }
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr.trim()}`);
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'vitrine-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Vitrine test CA'], dir);
  openssl(['req', ...ec, '-keyout', 'broker.key', '-out', 'broker.csr', '-subj', '/CN=localhost'], dir);
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'broker.crt', '-days', '2', '-extfile', 'san.ext'], dir);
  const caFile = path.join(dir, 'ca.crt');
  return {
    caPem: readFileSync(caFile, 'utf8'),
    caFile,
    certFile: path.join(dir, 'broker.crt'),
    keyFile: path.join(dir, 'broker.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
