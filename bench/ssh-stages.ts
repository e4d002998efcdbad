/**
 * Where the SSH sync's time goes (issue 16): each stage of Offload's SSH sync measured on its own
 * against the same loopback sshd, alternating stages round by round. Not part of `npm run bench`;
 * run it with `npx tsx bench/ssh-stages.ts [rounds]` (src/, not dist/). The 200 MB tree comes from
 * bench/.work (ws-200m and its NUL-separated list).
 */
// First: dist/ runs ssh2 without its native binding (scripts/build.sh); so does this, unless STAGES_BINDING=1.
import './no-ssh-binding'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { PassThrough, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { connectSsh, HostKeyPin, SshShell } from '../src/providers/vast/ssh'
import { TailBuffer } from '../src/remote/sink'
import { remoteCodec, syncArchive } from '../src/remote/workspace-ops'
import { createArchive } from '../src/workspace/archive'
import { planArchive } from '../src/workspace/plan'
import { startSshd } from '../test/support/sshd'
import { newRemoteBase, sh, WORK } from './rig'
import { median } from './stats'

const ROUNDS = Number(process.argv[2] ?? 3)

async function main(): Promise<void> {
  const ws = path.join(WORK, 'ws-200m')
  const list = path.join(WORK, 'ws-200m.list')
  const remoteBase = newRemoteBase()
  const sshd = await startSshd()
  const key = path.join(sshd.dir, 'key')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
  sshd.writeAuthorizedKeys([fs.readFileSync(`${key}.pub`, 'utf8').trim()])
  const ssh = `ssh -p ${sshd.port} -i ${key} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes root@127.0.0.1`
  const opts = { username: 'root', privateKey: fs.readFileSync(key, 'utf8'), pin: new HostKeyPin(), connectTimeoutMs: 10_000, keepaliveIntervalMs: 0 }
  const endpoint = { host: '127.0.0.1', port: sshd.port, kind: 'direct' as const }
  const dir = path.join(remoteBase, 'ws')
  const fresh = `rm -rf ${dir} && mkdir -p ${dir}`
  const plan = await planArchive(ws, { exclude: [], includeGit: false, maxBytes: 8 * 1024 ** 3 })
  const timeIt = async (f: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now()
    await f()
    return performance.now() - t0
  }
  const shell = new SshShell([endpoint], opts, await connectSsh(endpoint, opts))
  const exec = (argv: string[], stdin?: PassThrough) => shell.exec({ argv, stdin, stdout: new TailBuffer(), stderr: new TailBuffer() })
  // The archive once, as a file: the transports alone, fed the same bytes.
  const zst = path.join(remoteBase, 'ws.tar.zst')
  execFileSync('bash', ['-c', `tar -cf - -C ${ws} --null -T ${list} | zstd -1 -q > ${zst}`])
  const stages: Record<string, () => Promise<number>> = {
    'archive file | ssh cat > /dev/null': () => sh(`${ssh} 'cat > /dev/null' < ${zst}`),
    'archive file | ssh2 cat > /dev/null': () => timeIt(() => exec(['sh', '-c', 'cat > /dev/null'], fs.createReadStream(zst) as unknown as PassThrough)),
    'plan (walk + lstat 20k files)': () => timeIt(() => planArchive(ws, { exclude: [], includeGit: false, maxBytes: 8 * 1024 ** 3 })),
    'codec probe exec': () => timeIt(() => remoteCodec(shell)),
    'empty exec (true)': () => timeIt(() => exec(['true'])),
    'hand: tar | zstd -1 | ssh zstd -d | tar -x': () =>
      sh(`${fresh} && tar -cf - -C ${ws} --null -T ${list} | zstd -1 -q | ${ssh} 'zstd -dcq | tar -xf - -C ${dir}'`),
    'hand: tar | zstd -1 > /dev/null': () => sh(`tar -cf - -C ${ws} --null -T ${list} | zstd -1 -q > /dev/null`),
    'hand: tar | zstd -1 | ssh cat > /dev/null': () => sh(`tar -cf - -C ${ws} --null -T ${list} | zstd -1 -q | ${ssh} 'cat > /dev/null'`),
    'native pack into Node, discarded': () =>
      timeIt(() => pipeline(createArchive(plan, { codec: 'zstd' }).stream, new Writable({ write: (_c, _e, cb) => cb() }))),
    'native pack | ssh2 cat > /dev/null': async () => {
      const a = createArchive(plan, { codec: 'zstd' })
      return timeIt(() => exec(['sh', '-c', 'cat > /dev/null'], a.stream))
    },
    'native pack | ssh2 zstd -d | tar -x (no checks)': async () => {
      execFileSync('bash', ['-c', fresh])
      const a = createArchive(plan, { codec: 'zstd' })
      return timeIt(() => exec(['sh', '-c', `zstd -dcq | tar -xof - -C ${dir}`], a.stream))
    },
    'syncArchive (checked, staged, commit)': async () => {
      execFileSync('bash', ['-c', fresh])
      const a = createArchive(plan, { codec: 'zstd' })
      return timeIt(() => syncArchive(shell, a, dir, 'zstd'))
    },
    'probe + syncArchive (main.ts sync phase)': async () => {
      execFileSync('bash', ['-c', fresh])
      return timeIt(async () => {
        const codec = await remoteCodec(shell)
        await syncArchive(shell, createArchive(plan, { codec }), dir, codec)
      })
    }
  }
  const only = process.env.STAGES?.split(',')
  const names = Object.keys(stages).filter((_, i) => !only || only.includes(String(i)))
  const results = new Map<string, number[]>(names.map(n => [n, []]))
  for (let round = 0; round <= ROUNDS; round++)
    for (const name of names) {
      const ms = await stages[name]()
      if (round > 0) results.get(name)!.push(ms)
    }
  for (const [name, ms] of results) console.log(`${median(ms).toFixed(0).padStart(6)} ms  ${name}  (${ms.map(m => m.toFixed(0)).join(' ')})`)
  await shell.close()
  await sshd.stop()
  fs.rmSync(remoteBase, { recursive: true, force: true })
}

main().then(
  () => process.exit(0),
  err => {
    console.error(err)
    process.exit(1)
  }
)
