/**
 * A real OpenSSH sshd on loopback, one per fake Vast instance: random free port, its own host key,
 * its own config and authorized_keys file (written by whoever owns the handle, i.e. the fake's
 * key-attach endpoint). Sessions get their own HOME so root's ~/.bashrc (pyenv init, which takes a
 * lock) is never sourced by the rig; the client still logs in as root, exactly as on Vast.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const SSHD_PATH = process.env.OFFLOAD_TEST_SSHD ?? '/usr/sbin/sshd'

/** Throws (never skips) when the machine has no OpenSSH server. */
export function requireSshd(): void {
  if (!existsSync(SSHD_PATH)) {
    throw new Error(
      `OpenSSH server not found at ${SSHD_PATH}: the Vast tests run against a real sshd. Install openssh-server ` +
        '(Debian/Ubuntu: apt-get install -y openssh-server) or point OFFLOAD_TEST_SSHD at an sshd binary.'
    )
  }
  let keygen: boolean
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' })
    keygen = true
  } catch (err) {
    keygen = (err as { code?: string }).code !== 'ENOENT'
  }
  if (!keygen) throw new Error('ssh-keygen not found: install openssh-client / openssh-server')
  // sshd refuses to start without its privilege-separation directory.
  if (!existsSync('/run/sshd')) {
    try {
      mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
    } catch (err) {
      throw new Error(`sshd needs /run/sshd and it could not be created (${(err as Error).message}); run the tests as root or create it`, { cause: err })
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
  })
}

export function fingerprintOfPub(pubLine: string): string {
  const blob = Buffer.from(pubLine.trim().split(/\s+/)[1], 'base64')
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`
}

export interface SshdHandle {
  port: number
  dir: string
  authorizedKeysPath: string
  hostKeyFingerprint(): string
  /** Replace authorized_keys with exactly these lines. */
  writeAuthorizedKeys(keys: string[]): void
  /** Kill sshd and every session, make a new host key, listen again on the same port. */
  rotateHostKey(): Promise<void>
  /** Kill sshd and every session but keep its port, host key and files: connections are refused until resume(). */
  suspend(): Promise<void>
  /** Listen again on the same port with the same host key. */
  resume(): Promise<void>
  stop(): Promise<void>
  running(): boolean
}

function waitForBanner(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`sshd exited (${child.exitCode ?? child.signalCode})`))
      const sock = net.connect(port, '127.0.0.1')
      let buf = ''
      const retry = (): void => {
        sock.destroy()
        if (Date.now() > deadline) return reject(new Error(`sshd on port ${port} did not answer within ${timeoutMs} ms`))
        // Short: a test that records when sshd came up (test/support/vast/fake.ts) reads it within this.
        setTimeout(attempt, 10)
      }
      sock.on('data', d => {
        buf += d.toString()
        if (buf.startsWith('SSH-')) {
          sock.destroy()
          resolve()
        }
      })
      sock.on('error', retry)
      sock.setTimeout(2000, retry)
    }
    attempt()
  })
}

/** sessionPath: the PATH every session sees (sshd's SetEnv overrides the default it sets). */
export async function startSshd(opts: { parentDir?: string; sessionPath?: string } = {}): Promise<SshdHandle> {
  requireSshd()
  const dir = mkdtempSync(path.join(opts.parentDir ?? os.tmpdir(), 'offload-sshd-'))
  const home = path.join(dir, 'home')
  mkdirSync(home)
  const hostKey = path.join(dir, 'ssh_host_ed25519_key')
  const authorizedKeysPath = path.join(dir, 'authorized_keys')
  writeFileSync(authorizedKeysPath, '', { mode: 0o600 })
  const newHostKey = (): void => {
    rmSync(hostKey, { force: true })
    rmSync(`${hostKey}.pub`, { force: true })
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'offload-test-host', '-f', hostKey], { stdio: 'ignore' })
  }
  newHostKey()

  let child: ChildProcess | undefined
  let port = 0
  let stderr = ''
  const writeConfig = (): string => {
    const cfg = path.join(dir, 'sshd_config')
    writeFileSync(
      cfg,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeysPath}`,
        'StrictModes no',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        // One SetEnv line: sshd keeps only the first one it reads.
        `SetEnv HOME=${home}${opts.sessionPath ? ` PATH=${opts.sessionPath}` : ''}`,
        'PrintMotd no',
        'MaxStartups 64:30:128',
        'MaxSessions 32',
        'ClientAliveInterval 0',
        'LogLevel ERROR',
        ''
      ].join('\n')
    )
    return cfg
  }

  const launch = async (fixedPort?: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      port = fixedPort ?? (await freePort())
      const cfg = writeConfig()
      stderr = ''
      // Own process group: stop() kills sshd and every per-connection child with it.
      const c = spawn(SSHD_PATH, ['-D', '-e', '-f', cfg], {
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }
      })
      c.stderr?.on('data', d => (stderr += d.toString()))
      child = c
      try {
        await waitForBanner(port, c, 10_000)
        return
      } catch (err) {
        killGroup(c, 'SIGKILL')
        if (attempt >= (fixedPort ? 40 : 5)) throw new Error(`could not start sshd: ${(err as Error).message}; stderr: ${stderr.trim()}`, { cause: err })
        await new Promise(r => setTimeout(r, fixedPort ? 100 : 20))
      }
    }
  }

  const stop = async (): Promise<void> => {
    const c = child
    child = undefined
    if (!c || c.exitCode !== null || c.signalCode !== null) return
    const exited = new Promise<void>(resolve => c.once('exit', () => resolve()))
    const sessions = c.pid !== undefined ? descendants(c.pid) : []
    killGroup(c, 'SIGTERM')
    const timer = setTimeout(() => killGroup(c, 'SIGKILL'), 2000)
    await exited
    clearTimeout(timer)
    // Per-connection children (re-parented once the listener is gone) must not outlive it, nor
    // what a session left running after its connection ended (a container takes those down too):
    // every session carries this sshd's HOME (SetEnv).
    for (const p of [...sessions, ...processesWithEnv(`HOME=${home}`)]) {
      try {
        process.kill(p, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }

  await launch()
  return {
    get port() {
      return port
    },
    dir,
    authorizedKeysPath,
    hostKeyFingerprint: () => fingerprintOfPub(readFileSync(`${hostKey}.pub`, 'utf8')),
    writeAuthorizedKeys: keys => writeFileSync(authorizedKeysPath, keys.map(k => `${k.trim()}\n`).join(''), { mode: 0o600 }),
    rotateHostKey: async () => {
      const keep = port
      await stop()
      newHostKey()
      await launch(keep)
    },
    suspend: () => stop(),
    resume: () => launch(port),
    stop: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
    running: () => !!child && child.exitCode === null && child.signalCode === null
  }
}

/** A loopback sshd and a fresh ed25519 client key (PEM text) that it accepts. */
export async function startSshdWithClientKey(): Promise<{ sshd: SshdHandle; key: string }> {
  const sshd = await startSshd()
  const file = path.join(sshd.dir, 'client_key')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file])
  sshd.writeAuthorizedKeys([readFileSync(`${file}.pub`, 'utf8').trim()])
  return { sshd, key: readFileSync(file, 'utf8') }
}

/** Every process (but this one) whose environment holds `entry` (NAME=value): what a cgroup would hold. */
export function processesWithEnv(entry: string): number[] {
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(entry)) out.push(Number(name))
    } catch {
      // raced with an exit, or not ours to read
    }
  }
  return out
}

/** Per-connection sshd children call setsid(), so a group kill misses them: walk /proc for descendants. */
function descendants(pid: number): number[] {
  const byParent = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const list = byParent.get(ppid) ?? []
      list.push(Number(entry))
      byParent.set(ppid, list)
    } catch {
      // raced with an exit
    }
  }
  const out: number[] = []
  const walk = (p: number): void => {
    for (const c of byParent.get(p) ?? []) {
      out.push(c)
      walk(c)
    }
  }
  walk(pid)
  return out
}

function killGroup(c: ChildProcess, sig: NodeJS.Signals): void {
  if (c.pid === undefined) return
  const pids = [...descendants(c.pid)]
  try {
    process.kill(-c.pid, sig)
  } catch {
    // already gone
  }
  for (const p of pids) {
    try {
      process.kill(p, sig)
    } catch {
      // already gone
    }
  }
}
