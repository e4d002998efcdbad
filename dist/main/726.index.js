"use strict";
exports.id = 726;
exports.ids = [726];
exports.modules = {

/***/ 46726:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  flueProvider: () => (/* binding */ flueProvider)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js
var core = __webpack_require__(37484);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(46466);
// EXTERNAL MODULE: ./src/remote/sink.ts
var sink = __webpack_require__(90187);
// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(70017);
// EXTERNAL MODULE: ./src/util/redact.ts
var redact = __webpack_require__(50767);
// EXTERNAL MODULE: ./src/util/timers.ts
var timers = __webpack_require__(63472);
;// CONCATENATED MODULE: ./src/providers/flue/cli.ts



const SCRIPT = /\.(m|c)?js$/;
/**
 * Resolves the Flue CLI. A JavaScript entry is started with this process's own Node (24): the
 * `flue` shim's `#!/usr/bin/env node` would pick whatever node is first on PATH, and Flue refuses
 * Node 20. Never falls back to `npx flue` (npm's unrelated `flue` package).
 */
function resolveFlueCli(settings) {
    if (settings.cli) {
        const asPath = external_node_path_.resolve(settings.root, settings.cli);
        if (settings.cli.includes('/') || external_node_fs_.existsSync(asPath)) {
            if (!external_node_fs_.existsSync(asPath))
                throw new errors/* InputError */.dz('flue-cli', `'${settings.cli}' does not exist`);
            const real = external_node_fs_.realpathSync(asPath);
            return SCRIPT.test(real) ? { command: process.execPath, args: [real] } : { command: real, args: [] };
        }
        return { command: settings.cli, args: [] };
    }
    const pkg = external_node_path_.join(settings.root, 'node_modules', '@flue', 'cli', 'package.json');
    if (external_node_fs_.existsSync(pkg)) {
        const manifest = JSON.parse(external_node_fs_.readFileSync(pkg, 'utf8'));
        const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.flue;
        if (bin)
            return { command: process.execPath, args: [external_node_path_.join(external_node_path_.dirname(pkg), bin)] };
    }
    const onPath = (process.env.PATH ?? '')
        .split(external_node_path_.delimiter)
        .map(d => external_node_path_.join(d, 'flue'))
        .find(p => external_node_fs_.existsSync(p));
    if (onPath) {
        const real = external_node_fs_.realpathSync(onPath);
        return SCRIPT.test(real) ? { command: process.execPath, args: [real] } : { command: real, args: [] };
    }
    throw new errors/* InputError */.dz('flue-cli', `no Flue CLI found: ${settings.root} has no node_modules/@flue/cli (run 'npm ci' in flue-root) and 'flue' is not on PATH; install @flue/cli@1.0.0-beta.9 or set flue-cli`);
}
/** The full argv for one protocol-v1 run. */
function flueRunArgs(settings, requestFile) {
    const input = JSON.stringify({ requestFile });
    if (settings.runner !== 'cli')
        return { command: process.execPath, args: [settings.runner.script, '--input', input] };
    const cli = resolveFlueCli(settings);
    const args = [...cli.args, 'run', `workflow:${settings.workflow}`, '--target', settings.target, '--input', input, '--root', settings.root];
    if (settings.config)
        args.push('--config', settings.config);
    if (settings.envFile)
        args.push('--env', settings.envFile);
    return { command: cli.command, args };
}

;// CONCATENATED MODULE: ./src/providers/flue/processes.ts

/** Fields of /proc/<pid>/stat, read after the `(comm)` field (which may itself hold spaces or ')'). */
function procStat(pid) {
    if (!Number.isInteger(pid) || pid <= 1)
        return undefined;
    let text;
    try {
        text = external_node_fs_.readFileSync(`/proc/${pid}/stat`, 'utf8');
    }
    catch {
        return undefined;
    }
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state), so field N is rest[N - 3].
    const pgrp = Number(rest[2]);
    const startTime = Number(rest[19]);
    if (!rest[0] || !Number.isInteger(pgrp) || !Number.isFinite(startTime))
        return undefined;
    return { state: rest[0], pgrp, startTime };
}
/** A record for a group leader that is running now (pid = pgid), or undefined. */
function recordGroup(pid, role) {
    if (pid === undefined)
        return undefined;
    const st = procStat(pid);
    if (!st || st.pgrp !== pid || st.state === 'Z')
        return undefined;
    return { pgid: pid, startTime: st.startTime, role };
}
/** Live (non-zombie) members of a process group, found through /proc. */
function groupMembers(pgid) {
    const out = [];
    for (const entry of external_node_fs_.readdirSync('/proc')) {
        const pid = Number(entry);
        if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid)
            continue;
        const st = procStat(pid);
        if (st && st.pgrp === pgid && st.state !== 'Z')
            out.push(pid);
    }
    return out;
}
/**
 * Is this still the group Offload recorded? While its leader lives, the leader's start time must
 * match. Once the leader is gone the group id cannot have been reused (Linux keeps a pid number
 * allocated while any group or session uses it), so the remaining members are ours if each of
 * them started no earlier than the leader did.
 */
function isRecordedGroup(rec) {
    if (!Number.isInteger(rec.pgid) || rec.pgid <= 1 || rec.pgid === process.pid)
        return false;
    const leader = procStat(rec.pgid);
    if (leader && leader.state !== 'Z')
        return leader.startTime === rec.startTime && leader.pgrp === rec.pgid;
    return groupMembers(rec.pgid).every(pid => (procStat(pid)?.startTime ?? Infinity) >= rec.startTime);
}
function signalGroup(pgid, signal) {
    // Never -0 or -1: those are our own group and every process we may signal.
    if (!Number.isInteger(pgid) || pgid <= 1)
        return;
    try {
        process.kill(-pgid, signal);
    }
    catch {
        // already gone
    }
}
function readPidFile(file) {
    try {
        const pid = Number(external_node_fs_.readFileSync(file, 'utf8').trim());
        return Number.isInteger(pid) && pid > 1 ? pid : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * TERM the recorded groups that are still ours, KILL what is left after graceMs, and wait (up to
 * a second more) until they are gone. Returns the groups that still have live members.
 */
async function stopGroups(groups, graceMs) {
    const targets = groups.filter(g => isRecordedGroup(g) && groupMembers(g.pgid).length > 0);
    const alive = () => targets.filter(g => groupMembers(g.pgid).length > 0);
    const waitFor = async (ms) => {
        const deadline = Date.now() + ms;
        while (Date.now() < deadline && alive().length)
            await new Promise(r => setTimeout(r, 50));
    };
    for (const g of targets)
        signalGroup(g.pgid, 'SIGTERM');
    await waitFor(graceMs);
    for (const g of alive())
        signalGroup(g.pgid, 'SIGKILL');
    await waitFor(1000);
    return alive();
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js
var schemas = __webpack_require__(55156);
;// CONCATENATED MODULE: ./src/providers/flue/protocol.ts

const responseSchema = schemas.object({
    protocolVersion: schemas.literal(1),
    operation: schemas.string().optional(),
    exitCode: schemas.number().int(),
    stdout: schemas.string().optional(),
    stderr: schemas.string().optional(),
    timing: schemas.object({ totalMs: schemas.number().nonnegative().optional(), runMs: schemas.number().nonnegative().optional() }).partial().optional(),
    error: schemas.string().optional(),
    /** Offload's runners echo the command's output live on stderr; then it is not replayed. */
    streamed: schemas.boolean().optional(),
    truncated: schemas.object({ stdout: schemas.boolean().optional(), stderr: schemas.boolean().optional() }).partial().optional()
})
    .passthrough();
/**
 * The response is the last JSON line of stdout: first the whole trimmed text, then lines from the
 * end that start with '{' (as crabbox reads it).
 */
function parseResponse(stdout) {
    const candidates = [
        stdout.trim(),
        ...stdout
            .split('\n')
            .reverse()
            .map(l => l.trim())
            .filter(l => l.startsWith('{'))
    ];
    for (const c of candidates) {
        if (!c)
            continue;
        try {
            const parsed = responseSchema.safeParse(JSON.parse(c));
            if (parsed.success)
                return parsed.data;
        }
        catch {
            // not JSON; try the next candidate
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/providers/flue/index.ts













const OUTPUT_LIMIT = 10 * 1024 * 1024;
/** Protocol responses carry up to 2 × 10 MiB of output, JSON-escaped; more means something is wrong. */
const STDOUT_CAP = 96 * 1024 * 1024;
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
function tempDirFor(leaseId) {
    return external_node_path_.join(process.env.RUNNER_TEMP || external_node_os_.tmpdir(), `offload-${leaseId}`);
}
/**
 * The command's group, from the pid file the workflow writes into our private temp dir: accepted
 * only as a group leader that started after our CLI did and runs our script (its argv names the
 * temp dir), so a stale file whose pid was recycled points at nothing we would kill.
 */
function commandGroup(pidFile, dir, cli) {
    const rec = recordGroup(readPidFile(pidFile), 'command');
    if (!rec || !cli || rec.startTime < cli.startTime)
        return undefined;
    try {
        return external_node_fs_.readFileSync(`/proc/${rec.pgid}/cmdline`, 'utf8').includes(dir) ? rec : undefined;
    }
    catch {
        return undefined;
    }
}
function recordedGroups(data) {
    const list = Array.isArray(data.processGroups) ? data.processGroups : [];
    return list.filter((g) => {
        const r = g;
        return typeof r === 'object' && r !== null && Number.isInteger(r.pgid) && typeof r.startTime === 'number' && typeof r.role === 'string';
    });
}
const flueProvider = {
    kind: 'delegated',
    name: 'flue',
    defaultRemoteDir: () => '/workspace/offload',
    async run(ctx, job) {
        const { settings, lease } = ctx;
        const flue = settings.flue;
        const dir = tempDirFor(lease.leaseId);
        external_node_fs_.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const pidFile = external_node_path_.join(dir, 'command.pid');
        ctx.record({ data: { tempDir: dir, pidFile } });
        let archivePath = '';
        if (job.archive) {
            archivePath = external_node_path_.join(dir, 'workspace.tar.gz');
            await (0,promises_.pipeline)(job.archive, external_node_fs_.createWriteStream(archivePath, { mode: 0o600 }), { signal: ctx.signal });
        }
        const scriptPath = external_node_path_.join(dir, 'script.sh');
        external_node_fs_.writeFileSync(scriptPath, settings.run, { mode: 0o700 });
        const request = {
            protocolVersion: 1,
            operation: 'run',
            leaseId: lease.leaseId,
            workflow: flue.runner === 'cli' ? flue.workflow : external_node_path_.basename(flue.runner.script),
            target: 'node',
            workspaceArchive: archivePath,
            workspace: settings.remoteDir,
            command: settings.shell.map(a => a.split('{0}').join(scriptPath)),
            cwd: settings.workingDirectory,
            env: settings.env,
            timeoutMs: settings.commandTimeoutMs,
            outputLimits: { stdoutBytes: OUTPUT_LIMIT, stderrBytes: OUTPUT_LIMIT },
            metadata: { pidFile, stagingDir: dir }
        };
        const requestFile = external_node_path_.join(dir, 'request.json');
        // Env values may be secrets: they travel in this 0600 file, never on argv.
        external_node_fs_.writeFileSync(requestFile, JSON.stringify(request), { mode: 0o600 });
        const launch = flueRunArgs(flue, requestFile);
        if (ctx.signal.aborted)
            return { exitCode: 130, timedOut: false, canceled: true };
        job.onCommandStart();
        const child = (0,external_node_child_process_.spawn)(launch.command, launch.args, {
            cwd: flue.root,
            detached: true,
            stdio: ['ignore', 'pipe', 'pipe'],
            env: cliEnv()
        });
        const spawnError = new Promise((_, reject) => child.once('error', err => reject(new errors/* ProviderError */.mZ(`could not start the Flue CLI '${launch.command}': ${err.message} (check flue-cli)`))));
        // The groups Offload started, with their leaders' start times: all release may ever signal.
        const groups = [];
        const cliGroup = recordGroup(child.pid, 'flue-cli');
        if (cliGroup)
            groups.push(cliGroup);
        ctx.record({ data: { tempDir: dir, pidFile, processGroups: groups } });
        const watchCommand = setInterval(() => {
            const cmd = commandGroup(pidFile, dir, cliGroup);
            if (cmd && !groups.some(g => g.pgid === cmd.pgid && g.startTime === cmd.startTime)) {
                groups.push(cmd);
                ctx.record({ data: { processGroups: groups } });
            }
        }, 200);
        const tail = new sink/* TailBuffer */.v(16 * 1024);
        let runIdSeen = false;
        let head = '';
        child.stderr.on('data', (chunk) => {
            tail.write(chunk);
            if (!runIdSeen && head.length < 16384) {
                head += chunk.toString('utf8');
                const m = /\brun\s+(run_[0-9A-Za-z]+)/.exec(head.replace(ANSI, ''));
                if (m) {
                    runIdSeen = true;
                    ctx.record({ resourceId: m[1] });
                }
            }
        });
        child.stderr.pipe(job.stderr, { end: false });
        const stdoutChunks = [];
        let stdoutBytes = 0;
        child.stdout.on('data', (chunk) => {
            stdoutBytes += chunk.length;
            if (stdoutBytes <= STDOUT_CAP)
                stdoutChunks.push(chunk);
        });
        let canceled = false;
        let localTimeout = false;
        const stop = () => {
            const cmd = commandGroup(pidFile, dir, cliGroup);
            void stopGroups(cmd ? [...groups, cmd] : groups, 3000);
        };
        const onAbort = () => {
            canceled = true;
            stop();
        };
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        const fallback = (0,timers/* longTimeout */.mD)(() => {
            localTimeout = true;
            stop();
        }, settings.commandTimeoutMs + 60_000);
        let code;
        let sig;
        try {
            ;
            [code, sig] = await Promise.race([new Promise(res => child.once('close', (c, s) => res([c, s]))), spawnError]);
        }
        finally {
            fallback.clear();
            clearInterval(watchCommand);
            ctx.signal.removeEventListener('abort', onAbort);
        }
        if (canceled)
            return { exitCode: 130, timedOut: false, canceled: true };
        if (localTimeout)
            return { exitCode: 124, timedOut: true, canceled: false };
        const cliExit = code ?? 128 + (sig ? external_node_os_.constants.signals[sig] : 0);
        const response = stdoutBytes <= STDOUT_CAP ? parseResponse(Buffer.concat(stdoutChunks).toString('utf8')) : undefined;
        const stderrTail = () => (0,redact/* redact */.E$)(tail.text().replace(ANSI, '').trim().split('\n').slice(-15).join('\n'), Object.values(settings.env));
        if (!response) {
            if (cliExit !== 0)
                throw new errors/* ProviderError */.mZ(`flue workflow failed (flue exit ${cliExit}) with no protocol response:\n${stderrTail()}`);
            throw new errors/* ProviderError */.mZ(`flue exited 0 but printed no protocol v1 response on stdout: does workflow '${flue.workflow}' return Offload's protocol response?\n${stderrTail()}`);
        }
        if (cliExit !== 0 && response.exitCode === 0) {
            throw new errors/* ProviderError */.mZ(`flue exited ${cliExit} although the workflow reported exit 0: treating the run as a provider failure\n${stderrTail()}`);
        }
        if (!response.streamed) {
            if (response.stdout)
                job.stdout.write(response.stdout);
            if (response.stderr)
                job.stderr.write(response.stderr);
        }
        if (response.truncated?.stdout || response.truncated?.stderr) {
            core.warning(`The command's output was cut at ${OUTPUT_LIMIT} bytes per stream by the Flue runner.`);
        }
        if (response.error && response.exitCode !== 0)
            core.error(`Flue runner: ${(0,redact/* redact */.E$)(response.error, Object.values(settings.env))}`);
        return { exitCode: response.exitCode, timedOut: response.exitCode === 124, canceled: false };
    },
    async release(ctx) {
        const dir = ctx.lease.data.tempDir ?? tempDirFor(ctx.lease.leaseId);
        const pidFile = ctx.lease.data.pidFile;
        const groups = recordedGroups(ctx.lease.data);
        // main may have been killed before it saw the command's pid file: the file still names it.
        const cmd = pidFile
            ? commandGroup(pidFile, dir, groups.find(g => g.role === 'flue-cli'))
            : undefined;
        if (cmd && !groups.some(g => g.pgid === cmd.pgid))
            groups.push(cmd);
        const running = groups.filter(g => groupMembers(g.pgid).length > 0);
        // Only these groups: a process that merely names our files (a user's tail -f) is not ours.
        const left = await stopGroups(groups, 3000);
        external_node_fs_.rmSync(dir, { recursive: true, force: true });
        const dirLeft = external_node_fs_.existsSync(dir);
        const verified = !dirLeft && left.length === 0;
        const stopped = running.filter(g => !left.includes(g));
        return {
            verified,
            detail: verified
                ? `removed ${dir}${stopped.length ? ` and stopped ${stopped.length} leftover process group(s): ${stopped.map(g => `${g.role} ${g.pgid}`).join(', ')}` : ''}`
                : [dirLeft ? `${dir} remains` : '', left.length ? `process groups ${left.map(g => g.pgid).join(', ')} remain` : ''].filter(Boolean).join('; '),
            manualCleanup: verified
                ? undefined
                : [left.length ? `kill -KILL -- ${left.map(g => `-${g.pgid}`).join(' ')}` : '', `rm -rf ${JSON.stringify(dir)}`].filter(Boolean).join('; ')
        };
    },
    keptInstructions(ctx) {
        const dir = ctx.lease.data.tempDir ?? tempDirFor(ctx.lease.leaseId);
        return `Flue files kept in ${dir} (request.json, workspace.tar.gz, script.sh). RUNNER_TEMP is emptied when the job ends; remove them sooner with: rm -rf ${dir}`;
    }
};
/** The CLI's environment: ours minus action inputs and state (which may hold secrets), colours off. */
function cliEnv() {
    const env = {};
    for (const [k, v] of Object.entries(process.env))
        if (!/^(INPUT|STATE)_/.test(k))
            env[k] = v;
    env.NO_COLOR = '1';
    env.FORCE_COLOR = '0';
    return env;
}


/***/ }),

/***/ 63472:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   mD: () => (/* binding */ longTimeout)
/* harmony export */ });
/* unused harmony exports MAX_TIMER_MS, sleepLong */
/**
 * Node's setTimeout holds at most 2^31-1 ms (about 24.8 days): a longer delay fires after 1 ms.
 * Durations here go up to the inputs' bound (30 days), so every timer made from an input goes
 * through these, which chain timers of at most MAX_TIMER_MS.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Calls fn once after ms (any finite length). */
function longTimeout(fn, ms) {
    const due = Date.now() + Math.max(0, ms);
    let timer;
    const arm = () => {
        const left = due - Date.now();
        if (left <= 0)
            return fn();
        timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    };
    timer = setTimeout(arm, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    return { clear: () => clearTimeout(timer) };
}
/** Resolves after ms (any finite length); rejects with the signal's reason when it aborts first. */
function sleepLong(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const onAbort = () => {
            timer.clear();
            reject(signal.reason);
        };
        const timer = longTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}


/***/ })

};
;