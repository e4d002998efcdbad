import type { Readable, Writable } from 'node:stream'

/**
 * One command on the remote, the way both Nomad (exec WebSocket) and Vast (SSH exec channel)
 * can run it. Sync, run and download are written once on top of this.
 */
export interface ExecRequest {
  /** argv; the remote runs it without a local shell re-quoting it. */
  argv: string[]
  /** Streamed to the command's stdin with backpressure, then closed. Absent: stdin closed at once. */
  stdin?: Readable
  /** Sinks for the command's output. They are written with backpressure and never ended. */
  stdout: Writable
  stderr: Writable
  /** Aborting closes the transport for this command; it does not by itself kill the remote process. */
  signal?: AbortSignal
}

export interface ExecResult {
  /** The remote exit code; a signal death is reported as 128+n. */
  exitCode: number
}

/**
 * A remote shell. `exec` resolves only with an authoritative exit status; a transport that ends
 * without one rejects with a TransportError (never reported as exit 0).
 */
export interface RemoteShell {
  exec(req: ExecRequest): Promise<ExecResult>
  close(): Promise<void>
}

/** The transport broke before the remote reported an exit status. */
export class TransportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TransportError'
  }
}
