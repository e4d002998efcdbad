/**
 * Run the request's argv with node:child_process (not harness.shell: that gives exit 1 on timeout,
 * a fixed env allowlist and a shell string — flue.md §8.9).
 *
 * - own process group (`detached`), stdin ignored, exact argv (no shell re-parse);
 * - env = PATH, HOME, TMPDIR, TEMP, TMP, LANG from the runner, plus the request's env;
 * - the child's pid (= pgid) goes to `pidFile` while it runs, so a caller can kill the group if
 *   the flue CLI dies (its finally blocks do not run then — §8.8);
 * - timeout: SIGTERM the group, SIGKILL 5 s later, exit code 124;
 * - stdout/stderr capped at the limits (head kept, rest counted), every chunk echoed live to this
 *   process's stderr;
 * - when the main process has exited, whatever is left of its group is killed;
 * - if this process exits mid-run (the CLI was stopped), the group gets SIGTERM from an 'exit'
 *   listener and the pid file stays behind for the caller.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

export const PASSTHROUGH_ENV = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG'] as const;
export const KILL_GRACE_MS = 5000;
/** How long to wait for the output pipes after the main process exits (background writers). */
const DRAIN_GRACE_MS = 1000;

export interface RunOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  stdoutBytes: number;
  stderrBytes: number;
  pidFile?: string;
  echo?: (chunk: Buffer) => void;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  stdoutDropped: number;
  stderrDropped: number;
  timedOut: boolean;
  runMs: number;
  error?: string;
}

/** Keeps the first `limit` bytes, counts the rest. */
export class CappedBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  dropped = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room >= chunk.length) {
      this.chunks.push(chunk);
      this.kept += chunk.length;
    } else {
      if (room > 0) {
        this.chunks.push(chunk.subarray(0, room));
        this.kept += room;
      }
      this.dropped += chunk.length - Math.max(room, 0);
    }
  }
  get truncated(): boolean {
    return this.dropped > 0;
  }
  text(): string {
    let buf = Buffer.concat(this.chunks, this.kept);
    if (this.truncated) buf = buf.subarray(0, utf8CompleteLength(buf));
    return buf.toString('utf8');
  }
}

/** Length of `buf` without a trailing incomplete UTF-8 sequence (cut by truncation). */
export function utf8CompleteLength(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

export function buildEnv(requestEnv: Record<string, string> | undefined, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PASSTHROUGH_ENV) {
    const val = from[k];
    if (val !== undefined) env[k] = val;
  }
  return { ...env, ...(requestEnv ?? {}) };
}

/** Signal a whole process group. Never with pgid 0/1 (that would hit our own group or init). */
export function killGroup(pgid: number | undefined, signal: NodeJS.Signals | 0): boolean {
  if (!pgid || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pgid: number | undefined): boolean {
  return killGroup(pgid, 0);
}

export function runCommand(opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const out = new CappedBuffer(opts.stdoutBytes);
    const err = new CappedBuffer(opts.stderrBytes);
    let timedOut = false;
    let settled = false;
    let exitCode: number | undefined;
    let spawnError: string | undefined;
    let termTimer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const child = spawn(opts.argv[0], opts.argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;

    if (pgid !== undefined && opts.pidFile) {
      try {
        fs.writeFileSync(opts.pidFile, `${pgid}\n`, { mode: 0o600 });
      } catch (e) {
        process.stderr.write(`offload-runner: cannot write pid file ${opts.pidFile}: ${(e as Error).message}\n`);
      }
    }

    // If the flue CLI is stopped (SIGINT/SIGTERM) it calls process.exit() without running our
    // finally blocks (flue.md §8.8); 'exit' listeners still run, synchronously: signal the group
    // there. The pid file is left for the caller, which SIGKILLs the group after its own grace.
    const onProcessExit = () => {
      if (killGroup(pgid, 'SIGTERM')) {
        process.stderr.write(`offload-runner: runner exiting; sent SIGTERM to process group ${pgid}\n`);
      }
    };
    if (pgid !== undefined) process.prependListener('exit', onProcessExit);

    const finish = () => {
      if (settled) return;
      settled = true;
      process.removeListener('exit', onProcessExit);
      clearTimeout(termTimer);
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      // The main process is gone: take down anything it left behind in its group.
      killGroup(pgid, 'SIGKILL');
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (opts.pidFile) fs.rmSync(opts.pidFile, { force: true });
      let code = exitCode ?? 1;
      let error = spawnError;
      if (timedOut) {
        code = 124;
        error = `command timed out after ${opts.timeoutMs} ms`;
      }
      resolve({
        exitCode: code,
        stdout: out.text(),
        stderr: err.text(),
        stdoutTruncated: out.truncated,
        stderrTruncated: err.truncated,
        stdoutDropped: out.dropped,
        stderrDropped: err.dropped,
        timedOut,
        runMs: Date.now() - started,
        error,
      });
    };

    child.stdout!.on('data', (chunk: Buffer) => {
      out.push(chunk);
      opts.echo?.(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err.push(chunk);
      opts.echo?.(chunk);
    });

    child.once('error', (e: NodeJS.ErrnoException) => {
      // spawn failures (ENOENT, EACCES): no process was started.
      if (exitCode !== undefined) return;
      exitCode = e.code === 'ENOENT' ? 127 : e.code === 'EACCES' ? 126 : 1;
      spawnError = `cannot start ${JSON.stringify(opts.argv[0])}: ${e.message}`;
      err.push(Buffer.from(`offload-runner: ${spawnError}\n`));
      finish();
    });

    child.once('exit', (code, signal) => {
      exitCode = code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
      // Give background writers that still hold the pipes a moment, then cut them off.
      drainTimer = setTimeout(finish, DRAIN_GRACE_MS);
    });
    child.once('close', finish);

    if (opts.timeoutMs && opts.timeoutMs > 0) {
      const onTimeout = (): void => {
        if (exitCode !== undefined) return; // already exited; only draining output
        timedOut = true;
        process.stderr.write(`offload-runner: command timed out after ${opts.timeoutMs} ms; sending SIGTERM to its process group\n`);
        killGroup(pgid, 'SIGTERM');
        killTimer = setTimeout(() => {
          if (groupAlive(pgid)) {
            process.stderr.write('offload-runner: process group still alive; sending SIGKILL\n');
            killGroup(pgid, 'SIGKILL');
          }
        }, KILL_GRACE_MS);
      };
      // setTimeout holds at most 2^31-1 ms (about 24.8 days); longer timeouts are chained.
      const arm = (left: number): void => {
        const step = Math.min(left, 2 ** 31 - 1);
        termTimer = setTimeout(() => (left > step ? arm(left - step) : onTimeout()), step);
      };
      arm(opts.timeoutMs);
    }
  });
}
