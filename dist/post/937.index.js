"use strict";
exports.id = 937;
exports.ids = [937];
exports.modules = {

/***/ 5937:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  flueProvider: () => (/* binding */ flueProvider)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js
var core = __webpack_require__(7484);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./src/remote/sink.ts

/** A Writable that keeps only the last `limit` bytes: enough for an error message, flat in memory. */
class TailBuffer extends external_node_stream_.Writable {
    limit;
    chunks = [];
    size = 0;
    constructor(limit = 8192) {
        super();
        this.limit = limit;
    }
    _write(chunk, _enc, done) {
        this.chunks.push(chunk);
        this.size += chunk.length;
        while (this.size - this.chunks[0].length >= this.limit)
            this.size -= this.chunks.shift().length;
        done();
    }
    text() {
        const all = Buffer.concat(this.chunks);
        return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
    }
}

// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(17);
// EXTERNAL MODULE: ./src/util/redact.ts
var redact = __webpack_require__(767);
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

/**
 * Process-group control for the Flue CLI and the command its workflow starts. Both run in their
 * own process groups; a group is only signalled while its leader still looks like ours (its
 * command line mentions our private temp directory), so a recycled pid is never hit.
 */
function isOurs(pid, marker) {
    if (!Number.isInteger(pid) || pid <= 1)
        return false;
    try {
        return external_node_fs_.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    }
    catch {
        return false;
    }
}
function groupAlive(pgid) {
    if (!Number.isInteger(pgid) || pgid <= 1)
        return false;
    try {
        process.kill(-pgid, 0);
        return true;
    }
    catch {
        return false;
    }
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
/** Processes whose command line mentions marker (our temp dir): what release must leave none of. */
function processesMentioning(marker) {
    const found = [];
    for (const entry of external_node_fs_.readdirSync('/proc')) {
        const pid = Number(entry);
        if (Number.isInteger(pid) && pid !== process.pid && isOurs(pid, marker))
            found.push(pid);
    }
    return found;
}
/** TERM the groups, then KILL whatever is left after graceMs. */
async function stopGroups(pgids, graceMs) {
    const targets = pgids.filter(groupAlive);
    for (const g of targets)
        signalGroup(g, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && targets.some(groupAlive))
        await new Promise(r => setTimeout(r, 100));
    for (const g of targets)
        if (groupAlive(g))
            signalGroup(g, 'SIGKILL');
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(8816);
;// CONCATENATED MODULE: ./src/providers/flue/protocol.ts

const responseSchema = schemas/* object */.Ikc({
    protocolVersion: schemas/* literal */.euz(1),
    operation: schemas/* string */.YjP().optional(),
    exitCode: schemas/* number */.aig().int(),
    stdout: schemas/* string */.YjP().optional(),
    stderr: schemas/* string */.YjP().optional(),
    timing: schemas/* object */.Ikc({ totalMs: schemas/* number */.aig().nonnegative().optional(), runMs: schemas/* number */.aig().nonnegative().optional() }).partial().optional(),
    error: schemas/* string */.YjP().optional(),
    /** Offload's runners echo the command's output live on stderr; then it is not replayed. */
    streamed: schemas/* boolean */.zMY().optional(),
    truncated: schemas/* object */.Ikc({ stdout: schemas/* boolean */.zMY().optional(), stderr: schemas/* boolean */.zMY().optional() }).partial().optional()
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
        ctx.record({ data: { tempDir: dir, pidFile, cliPid: child.pid } });
        const tail = new TailBuffer(16 * 1024);
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
            const pgids = [readPidFile(pidFile), child.pid].filter((p) => p !== undefined && isOurs(p, dir));
            void stopGroups(pgids, 3000);
        };
        const onAbort = () => {
            canceled = true;
            stop();
        };
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        const fallback = setTimeout(() => {
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
            clearTimeout(fallback);
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
        const cliPid = ctx.lease.data.cliPid;
        const pgids = [pidFile ? readPidFile(pidFile) : undefined, cliPid].filter((p) => p !== undefined && isOurs(p, dir));
        await stopGroups(pgids, 3000);
        // Stragglers outside those groups (a command that started its own session) still name our files.
        const left = processesMentioning(dir);
        for (const pid of left) {
            try {
                process.kill(pid, 'SIGKILL');
            }
            catch {
                // gone
            }
        }
        external_node_fs_.rmSync(dir, { recursive: true, force: true });
        const remaining = processesMentioning(dir);
        const verified = !external_node_fs_.existsSync(dir) && remaining.length === 0;
        return {
            verified,
            detail: verified
                ? `removed ${dir}${pgids.length + left.length ? ` and stopped ${pgids.length + left.length} leftover process group(s)` : ''}`
                : `could not fully clean up: ${external_node_fs_.existsSync(dir) ? `${dir} remains` : ''} ${remaining.length ? `processes ${remaining.join(', ')} remain` : ''}`.trim(),
            manualCleanup: verified ? undefined : `pkill -KILL -f ${JSON.stringify(dir)}; rm -rf ${JSON.stringify(dir)}`
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


/***/ })

};
;