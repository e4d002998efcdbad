#!/usr/bin/env node
/**
 * Offload protocol v1 runner for Flue 2.x (no CLI workflows there: `flue run` in 2.x only runs
 * LLM agents). A plain Node script that runs the step through Flue's sandbox API:
 *
 *   node offload-runner.mjs --input '{"requestFile":"/abs/request.json"}'
 *
 * It speaks the same protocol as the 1.0.0-beta workflow in ../flue: exactly one JSON response
 * line on stdout when the command ran (whatever its exit code), exit 0; on a bad request or an
 * unsafe archive, nothing on stdout, `Error: <message>` as the last stderr line, exit 1.
 *
 * The command runs through `await local({cwd, env}).createSandbox({id})` then
 * `sandbox.exec(shellString, {timeoutMs})` from `@flue/runtime/node`. Because exec takes a shell
 * string, the argv is single-quoted word by word. Because 2.x exec neither streams output nor keeps
 * more than 64 MiB (it kills the command past that, exit 1), the wrapper sends the command's
 * stdout/stderr to two files in the staging dir, which this script tails live (echoing to its own
 * stderr) and caps at `outputLimits`.
 *
 * Timeout: local() sends SIGTERM to the group at `timeoutMs` and SIGKILL 2 s later (its own grace,
 * not 5 s); the response says exitCode 124 even if the command trapped SIGTERM and exited 0 (2.x
 * local() would report that 0). SIGINT/SIGTERM to this script: the group gets SIGTERM (SIGKILL 5 s
 * later), the staging dir and pid file are removed, the response is printed with exitCode 128+n
 * and error "cancelled by SIG…", and the script exits 128+n; a second signal exits at once.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { local } from '@flue/runtime/node';
import * as tar from 'tar';

export const PROTOCOL_VERSION = 1;
export const DEFAULT_OUTPUT_LIMIT = 10 * 1024 * 1024;
export const PASSTHROUGH_ENV = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG'];

class RequestError extends Error {}
class UnsafeArchiveError extends Error {}

const log = (msg) => process.stderr.write(`offload-runner: ${msg}\n`);

/** Set by SIGINT/SIGTERM: the running command's group is stopped and the run winds down cleanly. */
const cancel = { signal: undefined };
const signalExitCode = (sig) => 128 + (os.constants.signals[sig] ?? 15);

// ---------------------------------------------------------------------------------------------
// request validation (same rules as the valibot schema in ../flue/src/offload/protocol.ts)

const isObj = (x) => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNonNegInt = (x) => Number.isInteger(x) && x >= 0;
const isAbs = (s) => typeof s === 'string' && !s.includes('\0') && path.posix.isAbsolute(s);

export function parseRequest(raw, file) {
  let r;
  try {
    r = JSON.parse(raw);
  } catch (e) {
    throw new RequestError(`request file ${file} is not valid JSON: ${e.message}`);
  }
  const problems = [];
  const bad = (msg) => problems.push(msg);
  if (!isObj(r)) throw new RequestError(`invalid offload request (${file}): not a JSON object`);
  if (r.protocolVersion !== PROTOCOL_VERSION) bad('protocolVersion: protocolVersion must be 1');
  if (r.operation !== 'run') bad('operation: operation must be "run"');
  for (const k of ['leaseId', 'workflow']) if (r[k] !== undefined && typeof r[k] !== 'string') bad(`${k}: must be a string`);
  if (r.target !== undefined && r.target !== 'node') bad('target: target must be "node"');
  if (r.workspaceArchive !== undefined && r.workspaceArchive !== '' && !isAbs(r.workspaceArchive)) {
    bad('workspaceArchive: workspaceArchive must be an absolute path or empty');
  }
  if (!isAbs(r.workspace)) bad('workspace: workspace must be an absolute path');
  else if (r.workspace.split('/').includes('..')) bad('workspace: workspace must not contain ".." components');
  else if (r.workspace.replace(/\/+/g, '/') === '/') bad('workspace: workspace must not be "/"');
  if (!Array.isArray(r.command) || r.command.some((c) => typeof c !== 'string')) bad('command: command must be an array of strings');
  else if (r.command.length === 0) bad('command: command must not be empty');
  else if (r.command[0] === '') bad('command: command[0] must not be empty');
  else if (r.command.some((c) => c.includes('\0'))) bad('command: command entries must not contain NUL bytes');
  if (r.cwd !== undefined && typeof r.cwd !== 'string') bad('cwd: must be a string');
  if (r.env !== undefined && (!isObj(r.env) || Object.values(r.env).some((x) => typeof x !== 'string'))) {
    bad('env: env must map names to string values');
  }
  if (r.timeoutMs !== undefined && !isNonNegInt(r.timeoutMs)) bad('timeoutMs: must be a non-negative integer');
  if (r.outputLimits !== undefined) {
    if (!isObj(r.outputLimits)) bad('outputLimits: must be an object');
    else for (const k of ['stdoutBytes', 'stderrBytes']) {
      if (r.outputLimits[k] !== undefined && !isNonNegInt(r.outputLimits[k])) bad(`outputLimits.${k}: must be a non-negative integer`);
    }
  }
  if (r.metadata !== undefined) {
    if (!isObj(r.metadata)) bad('metadata: must be an object');
    else for (const k of ['pidFile', 'stagingDir']) {
      if (r.metadata[k] !== undefined && !isAbs(r.metadata[k])) bad(`metadata.${k}: metadata.${k} must be an absolute path`);
    }
  }
  if (problems.length) throw new RequestError(`invalid offload request (${file}): ${problems.join('; ')}`);
  return r;
}

export function resolveCwd(workspaceDir, cwd) {
  const rel = cwd === undefined || cwd === '' ? '.' : cwd;
  if (rel.includes('\0')) throw new RequestError('cwd must not contain NUL bytes');
  if (path.isAbsolute(rel)) throw new RequestError(`cwd '${rel}' must be relative to the workspace`);
  const normal = path.posix.normalize(rel);
  if (normal === '..' || normal.startsWith('../')) throw new RequestError(`cwd '${rel}' escapes the workspace`);
  return path.join(workspaceDir, normal);
}

export function mapWorkspace(stagingDir, workspace) {
  return path.join(stagingDir, path.posix.normalize(workspace).replace(/^\/+/, ''));
}

// ---------------------------------------------------------------------------------------------
// archive: list with npm `tar`, validate everything, then extract (same rules as ../flue)

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'GNUDumpDir', 'SymbolicLink', 'Link']);
const MAX_LINK_HOPS = 40;

function components(p, what) {
  if (p.includes('\0')) throw new UnsafeArchiveError(`${what} contains a NUL byte`);
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('\\')) throw new UnsafeArchiveError(`${what} is an absolute path`);
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw new UnsafeArchiveError(`${what} has a '..' component`);
  return parts;
}

const keyOf = (e) => `${e.type}\0${e.path}\0${e.linkpath ?? ''}`;

/** Resolve `parts` inside the workspace, following the archive's own symlinks; null = outside. */
function resolveInside(parts, links, hops = { n: 0 }) {
  const out = [];
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i];
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(c);
    const target = links.get(out.join('/'));
    if (target !== undefined && i < parts.length - 1) {
      if (++hops.n > MAX_LINK_HOPS) return null;
      if (target.startsWith('/')) return null;
      out.pop();
      const resolved = resolveInside([...out, ...target.split('/'), ''], links, hops);
      if (resolved === null) return null;
      out.length = 0;
      out.push(...resolved);
    }
  }
  return out;
}

export function validateEntries(entries) {
  const links = new Map();
  for (const e of entries) {
    if (!ALLOWED_TYPES.has(e.type)) {
      throw new UnsafeArchiveError(`entry '${e.path}' is a ${e.type}; only files, directories and links are allowed`);
    }
    const parts = components(e.path, `entry '${e.path}'`);
    if (e.type === 'SymbolicLink') {
      if (!e.linkpath) throw new UnsafeArchiveError(`symlink '${e.path}' has an empty target`);
      if (e.linkpath.startsWith('/')) {
        throw new UnsafeArchiveError(`symlink '${e.path}' -> '${e.linkpath}' points outside the workspace (absolute target)`);
      }
      links.set(parts.join('/'), e.linkpath);
    }
  }
  for (const e of entries) {
    const parts = components(e.path, `entry '${e.path}'`);
    if (resolveInside(parts, links) === null) throw new UnsafeArchiveError(`entry '${e.path}' resolves outside the workspace`);
    if (e.type === 'SymbolicLink') {
      if (resolveInside([...parts.slice(0, -1), ...e.linkpath.split('/'), ''], links) === null) {
        throw new UnsafeArchiveError(`symlink '${e.path}' -> '${e.linkpath}' points outside the workspace`);
      }
    } else if (e.type === 'Link') {
      if (!e.linkpath) throw new UnsafeArchiveError(`hardlink '${e.path}' has an empty target`);
      const target = components(e.linkpath, `hardlink '${e.path}' -> '${e.linkpath}'`);
      if (target.length === 0 || resolveInside(target, links) === null) {
        throw new UnsafeArchiveError(`hardlink '${e.path}' -> '${e.linkpath}' points outside the workspace`);
      }
    }
  }
}

export async function extractWorkspace(archive, workspaceDir) {
  const st = fs.statSync(archive, { throwIfNoEntry: false });
  if (!st || !st.isFile()) throw new RequestError(`workspace archive ${archive} does not exist or is not a file`);
  const entries = [];
  try {
    await tar.t({
      file: archive,
      strict: true,
      onReadEntry: (e) => entries.push({ path: e.path, type: e.type, linkpath: e.linkpath || undefined }),
    });
  } catch (e) {
    throw new UnsafeArchiveError(`cannot read workspace archive ${archive}: ${e.message}`);
  }
  validateEntries(entries);
  const allowed = new Set(entries.map(keyOf));
  let unexpected;
  await tar.x({
    file: archive,
    cwd: workspaceDir,
    strict: true,
    preserveOwner: false,
    preservePaths: false,
    filter: (_p, e) => {
      if (allowed.has(keyOf({ path: e.path, type: e.type, linkpath: e.linkpath || undefined }))) return true;
      unexpected ??= e.path;
      return false;
    },
  });
  if (unexpected !== undefined) {
    throw new UnsafeArchiveError(`workspace archive changed while it was being extracted (unexpected entry '${unexpected}')`);
  }
  return entries.length;
}

// ---------------------------------------------------------------------------------------------
// running the command through Flue's local() sandbox

/** POSIX single-quoting: safe for any string (NULs are refused earlier). */
export const shQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

export class CappedBuffer {
  constructor(limit) {
    this.limit = limit;
    this.chunks = [];
    this.kept = 0;
    this.dropped = 0;
  }
  push(chunk) {
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
  get truncated() {
    return this.dropped > 0;
  }
  text() {
    let buf = Buffer.concat(this.chunks, this.kept);
    if (this.truncated) buf = buf.subarray(0, utf8CompleteLength(buf));
    return buf.toString('utf8');
  }
}

function utf8CompleteLength(buf) {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back];
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Follows a file another process appends to. */
class FileTail {
  constructor(fh, sink, echo) {
    this.fh = fh;
    this.sink = sink;
    this.echo = echo;
    this.pos = 0;
    this.buf = Buffer.alloc(256 * 1024);
  }
  async drain() {
    for (;;) {
      const { bytesRead } = await this.fh.read(this.buf, 0, this.buf.length, this.pos);
      if (bytesRead === 0) return;
      this.pos += bytesRead;
      const chunk = Buffer.from(this.buf.subarray(0, bytesRead));
      this.sink.push(chunk);
      this.echo(chunk);
    }
  }
}

function killGroup(pgid, signal) {
  if (!Number.isInteger(pgid) || pgid <= 1) return false; // never 0 (our own group) or 1
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function readPid(file) {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 1 ? n : undefined;
  } catch {
    return undefined;
  }
}

export function buildEnv(requestEnv, from = process.env) {
  // local() starts from its own allowlist (PATH HOME USER LOGNAME HOSTNAME SHELL LANG LC_ALL LC_CTYPE
  // TZ TERM TMPDIR TMP TEMP in 2.1.0); a key set to undefined drops it. Drop everything we don't pass.
  const env = {};
  for (const k of Object.keys(from)) if (!PASSTHROUGH_ENV.includes(k)) env[k] = undefined;
  for (const k of ['USER', 'LOGNAME', 'HOSTNAME', 'SHELL', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM']) env[k] = undefined;
  for (const k of PASSTHROUGH_ENV) env[k] = from[k];
  return { ...env, ...(requestEnv ?? {}) };
}

async function runCommand({ argv, cwd, env, timeoutMs, stdoutBytes, stderrBytes, pidFile, ioDir, sandboxId }) {
  const outFile = path.join(ioDir, 'stdout');
  const errFile = path.join(ioDir, 'stderr');
  const innerPid = path.join(ioDir, 'pid');
  for (const f of [outFile, errFile, innerPid, ...(pidFile ? [pidFile] : [])]) {
    fs.writeFileSync(f, '', { mode: 0o600 });
  }
  // $$ is the shell local() spawned detached: its pid is the process group id. The command is
  // not exec'd (so a signal death still turns into 128+n, which 2.x local() would report as 1).
  const pidTargets = [innerPid, ...(pidFile ? [pidFile] : [])];
  const script = [
    ...pidTargets.map((f) => `printf '%s\\n' "$$" > ${shQuote(f)} || exit 125`),
    `${argv.map(shQuote).join(' ')} < /dev/null > ${shQuote(outFile)} 2> ${shQuote(errFile)}`,
    'exit $?',
  ].join('\n');

  const out = new CappedBuffer(stdoutBytes);
  const err = new CappedBuffer(stderrBytes);
  const echo = (chunk) => process.stderr.write(chunk);
  const outFh = await fsp.open(outFile, 'r');
  const errFh = await fsp.open(errFile, 'r');
  const tails = [new FileTail(outFh, out, echo), new FileTail(errFh, err, echo)];
  let running = true;
  let termSent = false;
  let killTimer;
  const pump = (async () => {
    while (running) {
      for (const t of tails) await t.drain();
      if (cancel.signal && !termSent) {
        const pgid = readPid(innerPid); // undefined until the wrapper has started: retried next tick
        if (killGroup(pgid, 'SIGTERM')) {
          termSent = true;
          log(`sent SIGTERM to process group ${pgid}; SIGKILL in 5 s if it is still there`);
          killTimer = setTimeout(() => killGroup(pgid, 'SIGKILL'), 5000);
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  const started = Date.now();
  let timedOut = false;
  let timer;
  // setTimeout (here and inside Flue's exec) holds at most 2^31-1 ms, about 24.8 days; a longer
  // command-timeout (Offload allows 30 days) is left to Offload's own chained fallback timer.
  const timerTimeoutMs = timeoutMs > 0 && timeoutMs <= 2 ** 31 - 1 ? timeoutMs : 0;
  if (timerTimeoutMs > 0) {
    timer = setTimeout(() => {
      timedOut = true;
      log(`command timed out after ${timeoutMs} ms; Flue local() sends SIGTERM to its process group (SIGKILL 2 s later)`);
    }, timerTimeoutMs);
  }
  let result;
  try {
    const sandbox = await local({ cwd, env }).createSandbox({ id: sandboxId });
    result = await sandbox.exec(script, timerTimeoutMs > 0 ? { timeoutMs: timerTimeoutMs } : {});
  } finally {
    clearTimeout(timer);
    clearTimeout(killTimer);
    const pgid = readPid(innerPid);
    // The wrapper has exited: take down anything the command left running in its group.
    killGroup(pgid, 'SIGKILL');
    running = false;
    await pump;
    for (const t of tails) await t.drain();
    await outFh.close();
    await errFh.close();
    if (pidFile) fs.rmSync(pidFile, { force: true });
  }
  const runMs = Date.now() - started;
  // Anything the wrapper shell itself printed (e.g. "Segmentation fault") came through exec's pipes.
  if (result.stdout) out.push(Buffer.from(result.stdout));
  if (result.stderr) err.push(Buffer.from(result.stderr));
  let exitCode = result.exitCode;
  let error;
  if (timedOut) {
    exitCode = 124;
    error = `command timed out after ${timeoutMs} ms`;
  } else if (cancel.signal) {
    exitCode = signalExitCode(cancel.signal);
    error = `cancelled by ${cancel.signal}`;
  }
  return { exitCode, error, runMs, out, err };
}

// ---------------------------------------------------------------------------------------------

function removeTree(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    return;
  } catch {
    /* make everything writable, then retry */
  }
  const walk = (p) => {
    let st;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    if (!st.isDirectory()) return;
    try {
      fs.chmodSync(p, 0o700);
    } catch {
      // best effort: removal below reports what it cannot delete
    }
    for (const n of fs.readdirSync(p)) walk(path.join(p, n));
  };
  walk(dir);
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
}

export async function runRequest(input) {
  const t0 = Date.now();
  if (!isObj(input) || typeof input.requestFile !== 'string' || input.requestFile === '') {
    throw new RequestError('--input must be a JSON object with a non-empty "requestFile" string');
  }
  const requestFile = input.requestFile;
  if (!path.isAbsolute(requestFile)) throw new RequestError(`requestFile must be an absolute path, got '${requestFile}'`);
  let raw;
  try {
    raw = fs.readFileSync(requestFile, 'utf8');
  } catch (e) {
    throw new RequestError(`cannot read request file ${requestFile}: ${e.message}`);
  }
  const req = parseRequest(raw, requestFile);

  const stagingParent = req.metadata?.stagingDir ?? os.tmpdir();
  fs.mkdirSync(stagingParent, { recursive: true, mode: 0o700 });
  const staging = fs.mkdtempSync(path.join(stagingParent, 'offload-flue-'));
  try {
    const workspaceDir = mapWorkspace(staging, req.workspace);
    fs.mkdirSync(workspaceDir, { recursive: true, mode: 0o755 });
    if (req.workspaceArchive) {
      const n = await extractWorkspace(req.workspaceArchive, workspaceDir);
      log(`workspace ${req.workspace}: extracted ${n} archive entries`);
    } else {
      log(`workspace ${req.workspace}: no archive (sync off), created empty`);
    }
    // Runner-private files (output, pid) live beside the workspace, never inside it.
    const ioDir = fs.mkdtempSync(path.join(staging, '.offload-io-'));

    const cwd = resolveCwd(workspaceDir, req.cwd);
    const cwdStat = fs.statSync(cwd, { throwIfNoEntry: false });
    if (!cwdStat || !cwdStat.isDirectory()) throw new RequestError(`working directory '${req.cwd}' does not exist in the workspace`);
    const realWs = fs.realpathSync(workspaceDir);
    const realCwd = fs.realpathSync(cwd);
    if (realCwd !== realWs && !realCwd.startsWith(realWs + path.sep)) {
      throw new RequestError(`working directory '${req.cwd}' resolves outside the workspace`);
    }

    if (cancel.signal) throw new RequestError(`cancelled by ${cancel.signal} before the command started`);
    const limits = {
      stdout: req.outputLimits?.stdoutBytes || DEFAULT_OUTPUT_LIMIT,
      stderr: req.outputLimits?.stderrBytes || DEFAULT_OUTPUT_LIMIT,
    };
    const r = await runCommand({
      argv: req.command,
      cwd,
      env: buildEnv(req.env),
      timeoutMs: req.timeoutMs || 0,
      stdoutBytes: limits.stdout,
      stderrBytes: limits.stderr,
      pidFile: req.metadata?.pidFile,
      ioDir,
      sandboxId: `offload-${req.leaseId ?? randomUUID()}`,
    });
    if (r.out.truncated) log(`stdout exceeded ${limits.stdout} bytes: kept the first ${limits.stdout}, dropped ${r.out.dropped}`);
    if (r.err.truncated) log(`stderr exceeded ${limits.stderr} bytes: kept the first ${limits.stderr}, dropped ${r.err.dropped}`);

    const response = {
      protocolVersion: 1,
      operation: 'run',
      ...(req.leaseId !== undefined ? { leaseId: req.leaseId } : {}),
      exitCode: r.exitCode,
      stdout: r.out.text(),
      stderr: r.err.text(),
      timing: { runMs: r.runMs, totalMs: Date.now() - t0 },
      // The output was already echoed live on stderr: the caller must not print it twice.
      streamed: true,
    };
    if (r.out.truncated || r.err.truncated) response.truncated = { stdout: r.out.truncated, stderr: r.err.truncated };
    if (r.error) response.error = r.error;
    return response;
  } finally {
    try {
      removeTree(staging);
    } catch (e) {
      log(`could not remove staging dir ${staging}: ${e.message}`);
    }
  }
}

function parseArgs(argv) {
  let inputText;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--input') inputText = argv[++i];
    else if (a.startsWith('--input=')) inputText = a.slice('--input='.length);
    else throw new RequestError(`unknown argument '${a}' (usage: offload-runner.mjs --input '{"requestFile":"/abs/request.json"}')`);
  }
  if (inputText === undefined) throw new RequestError(`missing --input (usage: offload-runner.mjs --input '{"requestFile":"/abs/request.json"}')`);
  try {
    return JSON.parse(inputText);
  } catch (e) {
    throw new RequestError(`Invalid JSON for --input: ${e.message}`);
  }
}

async function main() {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (cancel.signal) {
        log(`second ${sig}: exiting now`);
        process.exit(signalExitCode(sig));
      }
      cancel.signal = sig;
      log(`received ${sig}: stopping the command, then cleaning up`);
    });
  }
  try {
    const response = await runRequest(parseArgs(process.argv.slice(2)));
    process.stdout.write(`${JSON.stringify(response)}\n`);
    process.exitCode = cancel.signal ? signalExitCode(cancel.signal) : 0;
  } catch (e) {
    process.stderr.write(`Error: offload-runner failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = cancel.signal ? signalExitCode(cancel.signal) : 1;
  }
}

// Run when executed directly (it can also be imported: the helpers above are exported).
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) await main();
