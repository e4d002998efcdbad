import { randomBytes } from 'node:crypto'

/**
 * Remote output cannot issue workflow commands: while the fence is up the runner ignores `::cmd::`
 * lines. The token is random per run so remote output cannot end the fence itself.
 */
export class CommandFence {
  private token: string | undefined
  constructor(private readonly enabled: boolean) {}

  open(write: (line: string) => void): void {
    if (!this.enabled || this.token) return
    this.token = `offload-${randomBytes(16).toString('hex')}`
    write(`::stop-commands::${this.token}\n`)
  }

  close(write: (line: string) => void): void {
    if (!this.token) return
    write(`::${this.token}::\n`)
    this.token = undefined
  }
}
