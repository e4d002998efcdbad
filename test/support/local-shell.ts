import { spawn } from 'node:child_process'
import { PassThrough } from 'node:stream'
import { TransportError, type ExecRequest, type ExecResult, type RemoteShell } from '../../src/remote/shell'

/** A RemoteShell that runs argv on this machine: the remote programs on a real sh. */
export class LocalShell implements RemoteShell {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}
  exec(req: ExecRequest): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(req.argv[0], req.argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: this.env })
      child.stdout.pipe(req.stdout, { end: false })
      child.stderr.pipe(req.stderr, { end: false })
      if (req.stdin) {
        // As both real shells do: a local stdin stream that fails ends the exec with a transport error.
        req.stdin.once('error', err => {
          child.stdin.destroy()
          child.kill('SIGKILL')
          reject(new TransportError(`stdin stream failed: ${err.message}`, { cause: err }))
        })
        // A command that exits without reading all of it: EPIPE, as a closed channel would be.
        child.stdin.on('error', () => undefined)
        req.stdin.pipe(child.stdin)
      } else child.stdin.end()
      child.on('error', reject)
      child.on('close', code => resolve({ exitCode: code ?? 1 }))
    })
  }
  async close(): Promise<void> {}
}

/** A sink that keeps what it was given. */
export function collect(): PassThrough & { text: () => string } {
  const chunks: Buffer[] = []
  const s = new PassThrough() as PassThrough & { text: () => string }
  s.on('data', (c: Buffer) => chunks.push(c))
  s.text = () => Buffer.concat(chunks).toString('utf8')
  return s
}
