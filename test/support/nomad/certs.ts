/** A throwaway CA, a server cert (SAN server.global.nomad, localhost, 127.0.0.1) and a client cert, made with the openssl CLI. */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

export interface TestCerts {
  dir: string
  caCert: string
  caCertPath: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
  clientCertPath: string
  clientKeyPath: string
  /** A second CA that signed nothing we use: for "wrong CA" tests. */
  otherCaCert: string
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
}

export function makeTestCerts(): TestCerts {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-certs-'))
  const ca = (name: string) => {
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ])
  }
  ca('ca')
  ca('other-ca')
  const leaf = (name: string, cn: string, ext: string) => {
    openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`])
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext)
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`
    ])
  }
  leaf('server', 'server.global.nomad', 'subjectAltName=DNS:server.global.nomad,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
  leaf('client', 'cli.global.nomad', 'subjectAltName=DNS:cli.global.nomad\nextendedKeyUsage=clientAuth\n')
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8')
  return {
    dir,
    caCert: read('ca.pem'),
    caCertPath: path.join(dir, 'ca.pem'),
    serverCert: read('server.pem'),
    serverKey: read('server.key'),
    clientCert: read('client.pem'),
    clientKey: read('client.key'),
    clientCertPath: path.join(dir, 'client.pem'),
    clientKeyPath: path.join(dir, 'client.key'),
    otherCaCert: read('other-ca.pem')
  }
}
