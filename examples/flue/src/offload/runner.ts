/**
 * One protocol-v1 run: read + validate the request, stage the workspace, run the command,
 * build the response. Request problems and unsafe archives throw (the workflow then fails and
 * `flue run` exits 1 with `Error: Workflow failed: …`); a command that ran always yields a
 * response, whatever its exit code.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractWorkspace } from './archive';
import { DEFAULT_OUTPUT_LIMIT, mapWorkspace, parseRequest, resolveCwd, type RunResponse } from './protocol';
import { buildEnv, runCommand } from './run-command';

export interface RunnerInput {
  requestFile: string;
}

const log = (msg: string) => process.stderr.write(`offload-runner: ${msg}\n`);

/** rm -rf that also copes with read-only directories left behind by the command. */
export function removeTree(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    return;
  } catch {
    // fall through: make everything writable, then retry
  }
  const makeWritable = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    if (!st.isDirectory()) return;
    try {
      fs.chmodSync(p, 0o700);
    } catch {
      /* ignore */
    }
    for (const name of fs.readdirSync(p)) makeWritable(path.join(p, name));
  };
  makeWritable(dir);
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
}

export async function runRequest(input: RunnerInput): Promise<RunResponse> {
  const t0 = Date.now();
  const requestFile = input.requestFile;
  if (!path.isAbsolute(requestFile)) throw new Error(`requestFile must be an absolute path, got '${requestFile}'`);
  let raw: string;
  try {
    raw = fs.readFileSync(requestFile, 'utf8');
  } catch (e) {
    throw new Error(`cannot read request file ${requestFile}: ${(e as Error).message}`, { cause: e });
  }
  const req = parseRequest(raw, requestFile);

  const stagingParent = req.metadata?.stagingDir ?? os.tmpdir();
  fs.mkdirSync(stagingParent, { recursive: true, mode: 0o700 });
  const staging = fs.mkdtempSync(path.join(stagingParent, 'offload-flue-'));
  // Stopped CLI: no finally blocks, but 'exit' listeners run (synchronously).
  const onProcessExit = () => {
    try {
      removeTree(staging);
    } catch {
      /* best effort */
    }
  };
  process.on('exit', onProcessExit);
  try {
    const workspaceDir = mapWorkspace(staging, req.workspace);
    fs.mkdirSync(workspaceDir, { recursive: true, mode: 0o755 });
    if (req.workspaceArchive) {
      const n = await extractWorkspace(req.workspaceArchive, workspaceDir);
      log(`workspace ${req.workspace}: extracted ${n} archive entries`);
    } else {
      log(`workspace ${req.workspace}: no archive (sync off), created empty`);
    }

    const cwd = resolveCwd(workspaceDir, req.cwd);
    const cwdStat = fs.statSync(cwd, { throwIfNoEntry: false });
    if (!cwdStat || !cwdStat.isDirectory()) {
      throw new Error(`working directory '${req.cwd}' does not exist in the workspace`);
    }
    const realWs = fs.realpathSync(workspaceDir);
    const realCwd = fs.realpathSync(cwd);
    if (realCwd !== realWs && !realCwd.startsWith(realWs + path.sep)) {
      throw new Error(`working directory '${req.cwd}' resolves outside the workspace`);
    }

    const limits = {
      stdout: req.outputLimits?.stdoutBytes || DEFAULT_OUTPUT_LIMIT,
      stderr: req.outputLimits?.stderrBytes || DEFAULT_OUTPUT_LIMIT,
    };
    const result = await runCommand({
      argv: req.command,
      cwd,
      env: buildEnv(req.env),
      timeoutMs: req.timeoutMs || undefined,
      stdoutBytes: limits.stdout,
      stderrBytes: limits.stderr,
      pidFile: req.metadata?.pidFile,
      echo: (chunk) => process.stderr.write(chunk),
    });
    if (result.stdoutTruncated) {
      log(`stdout exceeded ${limits.stdout} bytes: kept the first ${limits.stdout}, dropped ${result.stdoutDropped}`);
    }
    if (result.stderrTruncated) {
      log(`stderr exceeded ${limits.stderr} bytes: kept the first ${limits.stderr}, dropped ${result.stderrDropped}`);
    }

    const response: RunResponse = {
      protocolVersion: 1,
      operation: 'run',
      ...(req.leaseId !== undefined ? { leaseId: req.leaseId } : {}),
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      timing: { runMs: result.runMs, totalMs: Date.now() - t0 },
      // The output was already echoed live on stderr: the caller must not print it twice.
      streamed: true,
    };
    if (result.stdoutTruncated || result.stderrTruncated) {
      response.truncated = { stdout: result.stdoutTruncated, stderr: result.stderrTruncated };
    }
    if (result.error) response.error = result.error;
    return response;
  } finally {
    process.removeListener('exit', onProcessExit);
    try {
      removeTree(staging);
    } catch (e) {
      log(`could not remove staging dir ${staging}: ${(e as Error).message}`);
    }
  }
}
