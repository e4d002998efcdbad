import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Writable } from 'node:stream'
import { DOWNLOAD_SCRIPT } from '../../src/remote/scripts'
import type { RemoteShell } from '../../src/remote/shell'
import { TailBuffer } from '../../src/remote/sink'
import { downloadPaths } from '../../src/remote/workspace-ops'
import { parseReceipt } from '../../src/transfer/checksum'
import { forgetRunnerTools } from '../../src/transfer/tools'
import { LocalShell } from '../support/local-shell'

/**
 * The remote half of `download` (src/remote/scripts.ts, DOWNLOAD_SCRIPT) on a real sh: it writes
 * the archive to stdout in 64 KiB writes (so that sshd sends full packets), with or without a dd
 * that can regroup it, and its receipt counts and hashes exactly what it wrote.
 */
const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

/** A remote directory with results/ holding `files` files of random (incompressible) bytes. */
function remoteResults(files: number, size: number): string {
  const dir = tmp('offload-dl-remote-')
  fs.mkdirSync(path.join(dir, 'results', 'sub'), { recursive: true })
  for (let i = 0; i < files; i++) fs.writeFileSync(path.join(dir, 'results', i % 2 ? 'sub' : '', `f${i}.bin`), randomBytes(size))
  return dir
}

/** Runs DOWNLOAD_SCRIPT through shell; returns every chunk its stdout delivered and its stderr. */
/** The sizes dd asked to write to its stdout, in order, from an `strace -f -e trace=execve,write` of the program. */
function stdoutWrites(trace: string): number[] {
  const dd = /^(\d+)\s+execve\("[^"]*\/dd", \["dd", "ibs=32768", "obs=65536"\]/m.exec(trace)
  if (!dd) throw new Error(`no dd regrouping the stream in the trace:\n${trace.slice(0, 2000)}`)
  const sizes: number[] = []
  const re = new RegExp(`^${dd[1]}\\s+write\\(1, .*, (\\d+)(?:\\)| <unfinished)`, 'gm')
  for (let m = re.exec(trace); m; m = re.exec(trace)) sizes.push(Number(m[1]))
  return sizes
}

async function runScript(
  shell: LocalShell,
  dir: string,
  codec: 'zstd' | 'gzip',
  wrapper: string[] = []
): Promise<{ chunks: Buffer[]; stderr: string; exitCode: number }> {
  const chunks: Buffer[] = []
  const stdout = new Writable({
    write(chunk: Buffer, _e, done) {
      chunks.push(chunk)
      done()
    }
  })
  const stderr = new TailBuffer()
  const { exitCode } = await shell.exec({ argv: [...wrapper, 'sh', '-c', DOWNLOAD_SCRIPT, 'offload-download', dir, codec, 'results'], stdout, stderr })
  return { chunks, stderr: stderr.text(), exitCode }
}

/** A PATH holding the programs the script uses, with `dd` replaced by a script (or left out). */
function pathWith(dd: string | undefined): NodeJS.ProcessEnv {
  const bin = tmp('offload-dl-bin-')
  for (const tool of ['sh', 'rm', 'mkdir', 'mkfifo', 'tee', 'wc', 'tr', 'sed', 'cat', 'tar', 'gzip', 'zstd', 'openssl', 'sha256sum']) {
    const found = ['/usr/bin', '/bin'].map(d => path.join(d, tool)).find(p => fs.existsSync(p))
    if (!found) throw new Error(`${tool} is missing on this machine`)
    fs.symlinkSync(found, path.join(bin, tool))
  }
  if (dd !== undefined) fs.writeFileSync(path.join(bin, 'dd'), dd, { mode: 0o755 })
  return { ...process.env, PATH: bin }
}

describe('the download program (real sh)', () => {
  const dir = remoteResults(12, 200 * 1024)

  for (const codec of ['zstd', 'gzip'] as const) {
    it(`writes the ${codec} archive in full 64 KiB pieces, and its receipt is the count and SHA-256 of what it wrote`, async () => {
      // The writes themselves, seen by strace: how a reader's reads split them depends on timing.
      const trace = path.join(tmp('offload-dl-trace-'), 'trace')
      const { chunks, stderr, exitCode } = await runScript(new LocalShell(), dir, codec, [
        'strace',
        '-f',
        '-qq',
        '-e',
        'trace=execve,write',
        '-s',
        '64',
        '-o',
        trace
      ])
      expect(exitCode).toBe(0)
      const archive = Buffer.concat(chunks)
      expect(archive.length).toBeGreaterThan(2 * 1024 * 1024)
      const writes = stdoutWrites(fs.readFileSync(trace, 'utf8'))
      expect(writes.reduce((a, b) => a + b, 0)).toBe(archive.length)
      // tee's own 8 KiB writes would show here.
      expect(writes.slice(0, -1).every(n => n === 65536)).toBe(true)
      expect(parseReceipt(stderr, 'offload-sent')).toEqual({ bytes: archive.length, sha256: createHash('sha256').update(archive).digest('hex') })
    })
  }

  for (const [what, dd] of [
    ['a dd that refuses ibs= and obs= (busybox built without them)', '#!/bin/sh\necho "dd: invalid operand" >&2\nexit 1\n'],
    ['no dd at all', undefined],
    ['a dd that says nothing of what it copied (busybox without its third status line)', '#!/bin/sh\nexec /bin/dd "$@" 2>/dev/null\n']
  ] as const) {
    it(`with ${what}: the archive arrives whole, counted by wc beside it and checked by its receipt`, async () => {
      const shell = new LocalShell(pathWith(dd))
      const { chunks, stderr, exitCode } = await runScript(shell, dir, 'zstd')
      expect(exitCode).toBe(0)
      const archive = Buffer.concat(chunks)
      expect(parseReceipt(stderr, 'offload-sent')).toEqual({ bytes: archive.length, sha256: createHash('sha256').update(archive).digest('hex') })
      expect(stderr).not.toMatch(/invalid operand/)
      const back = tmp('offload-dl-back-')
      expect(await downloadPaths(shell, dir, ['results'], back, undefined, { codec: 'zstd' })).toBe(14)
      for (const f of ['f0.bin', 'sub/f1.bin', 'sub/f11.bin'])
        expect(fs.readFileSync(path.join(back, 'results', f)).equals(fs.readFileSync(path.join(dir, 'results', f)))).toBe(true)
    })
  }
})

describe('the runner decoding a download', () => {
  const dir = remoteResults(6, 300 * 1024)
  afterEach(() => {
    delete process.env.OFFLOAD_ARCHIVE_PACKER
    forgetRunnerTools()
  })
  const decodedBy = async (packer: 'native' | 'in-process', shell: RemoteShell, codec: 'zstd' | 'gzip'): Promise<string> => {
    process.env.OFFLOAD_ARCHIVE_PACKER = packer
    forgetRunnerTools()
    const back = tmp('offload-dl-back-')
    await downloadPaths(shell, dir, ['results'], back, undefined, { codec })
    return back
  }

  for (const codec of ['zstd', 'gzip'] as const)
    it(`the ${codec} program and zlib in process give the same tree`, async () => {
      const program = await decodedBy('native', new LocalShell(), codec)
      const inProcess = await decodedBy('in-process', new LocalShell(), codec)
      const files = (d: string): string[] => (fs.readdirSync(path.join(d, 'results'), { recursive: true }) as string[]).sort()
      expect(files(program)).toEqual(files(dir))
      expect(files(inProcess)).toEqual(files(dir))
      for (const f of files(dir).filter(f => f.endsWith('.bin')))
        expect(fs.readFileSync(path.join(inProcess, 'results', f)).equals(fs.readFileSync(path.join(program, 'results', f)))).toBe(true)
    })

  it('a corrupt zstd stream (sent and received intact) fails the download with the decoder’s reason, either decoder', async () => {
    // A real archive of results/ with bytes flipped in its middle; the remote's receipt is of those bytes.
    const bad = path.join(tmp('offload-dl-bad-'), 'bad.tar.zst')
    fs.writeFileSync(bad, execFileSync('sh', ['-c', `tar -cf - -C '${dir}' results | zstd -1 -qc`], { maxBuffer: 1 << 26 }))
    const bytes = fs.readFileSync(bad)
    for (let i = 0; i < 64; i++) bytes[(bytes.length >> 1) + i] ^= 0xff
    fs.writeFileSync(bad, bytes)
    const sum = createHash('sha256').update(bytes).digest('hex')
    const corrupting: RemoteShell = {
      exec: req =>
        new LocalShell().exec(
          req.argv[3] === 'offload-download' ? { ...req, argv: ['sh', '-c', `cat '${bad}'; echo "offload-sent ${bytes.length} ${sum}" >&2`] } : req
        ),
      close: async () => undefined
    }
    await expect(decodedBy('native', corrupting, 'zstd')).rejects.toThrow(
      /^downloading results from \S+ failed \(exit 0, \d+ entries written\): zstd -d failed \(exit 1\): .+/
    )
    await expect(decodedBy('in-process', corrupting, 'zstd')).rejects.toThrow(
      /^downloading results from \S+ failed \(exit 0, \d+ entries written\): zstd decompression \(in process\) failed: .+/
    )
  })
})
