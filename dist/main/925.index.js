"use strict";
exports.id = 925;
exports.ids = [925];
exports.modules = {

/***/ 68132:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DV: () => (/* binding */ codeBlock),
/* harmony export */   Qq: () => (/* binding */ text),
/* harmony export */   aY: () => (/* binding */ code),
/* harmony export */   tp: () => (/* binding */ table)
/* harmony export */ });
/**
 * Building blocks for the job summary, which GitHub renders as GitHub Flavored Markdown with HTML
 * allowed (and then sanitised). Markdown is not parsed inside an HTML block, so table cells carry
 * HTML (`<code>`), never Markdown code spans. Every string that may come from the remote, a
 * provider API or an input goes through one of these: nothing it holds can open a tag, end a
 * table cell, start a code span or leave its code block.
 */
const HTML_ESCAPES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    '`': '&#96;',
    '|': '&#124;',
    // So that no legacy `##[command]` text appears anywhere in the file.
    '[': '&#91;'
};
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;
/**
 * Text for an HTML context (a table cell, a heading): escaped, on one line (a blank line would end
 * the HTML block and let Markdown in, and no line can start with remote text), control characters
 * dropped. Backticks and pipes become entities too, so a copy into Markdown stays inert.
 */
function text(value) {
    return value
        .replace(ANSI, '')
        .replace(/\r?\n|\r/g, ' ')
        .replace(CONTROL, '')
        .replace(/[&<>"'`|[]/g, c => HTML_ESCAPES[c]);
}
/** Inline code in an HTML context. */
function code(value) {
    return `<code>${text(value)}</code>`;
}
/**
 * A Markdown fenced code block holding `body` verbatim: the fence is one backtick longer than the
 * longest backtick run in the body (at least three), so no line of the body can close it. Blank
 * lines before and after keep it apart from neighbouring HTML blocks.
 */
function codeBlock(body, lang = 'text') {
    const clean = body.replace(ANSI, '').replace(/\r\n/g, '\n').replace(/\r/g, '\n').replace(CONTROL, '');
    const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map(run => run.length));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    return `\n${fence}${lang}\n${clean.endsWith('\n') ? clean : `${clean}\n`}${fence}\n\n`;
}
/** A two-column HTML table (core.summary's addTable writes it on one line: one HTML block). */
function table(rows) {
    return [
        [
            { data: 'Field', header: true },
            { data: 'Value', header: true }
        ],
        ...rows.map(r => [{ data: text(r.label) }, { data: r.html }])
    ];
}


/***/ }),

/***/ 92925:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  writeRunSummary: () => (/* binding */ writeRunSummary)
});

// UNUSED EXPORTS: failureSection, runRows, writeReleaseSummary

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js
var lib_core = __webpack_require__(37484);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/providers/index.ts + 6 modules
var providers = __webpack_require__(13303);
// EXTERNAL MODULE: ./src/util/units.ts
var units = __webpack_require__(46127);
// EXTERNAL MODULE: ./src/report/command-tail.ts
var command_tail = __webpack_require__(12338);
// EXTERNAL MODULE: ./src/report/markup.ts
var markup = __webpack_require__(68132);
;// CONCATENATED MODULE: ./src/report/cost-table.ts


/** The job summary's cost table: every instance of the lease and the total (all estimates). Cells are made safe with markup.ts. */
function cost_table_costTable(rows) {
    const header = ['Instance', 'Type', 'GPU', 'Created', 'Running', 'Price', 'Estimated cost', 'Note'].map(data => ({ data, header: true }));
    const total = rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
    const cells = (values) => values.map(data => ({ data }));
    return [
        header,
        ...rows.map(r => cells([
            code(r.resourceId),
            text(r.type),
            r.gpu ? text(r.gpu) : '—',
            text(new Date(r.createdAt).toISOString().replace(/\.\d+Z$/, 'Z')),
            text(formatMs(r.runningMs)),
            r.pricePerHour !== undefined ? text(`$${r.pricePerHour}/h`) : '—',
            r.costUsd !== undefined ? text(`$${r.costUsd.toFixed(4)}`) : '—',
            text(r.note ?? '')
        ])),
        cells(['Total', '', '', '', '', '', text(`$${total.toFixed(4)}`), text(`${rows.length} instance(s)`)])
    ];
}

;// CONCATENATED MODULE: ./src/report/summary.ts







/**
 * The job summary: main writes what ran where, its phases, exit code and status and, on failure,
 * the error and the command's last output lines; post appends the release under a heading that
 * names the same lease. GitHub renders each step's summary in order, so the two read as one report.
 */
const STATUS_ICON = { succeeded: '✅', failed: '❌', 'timed-out': '⏱️', canceled: '🚫', 'cost-cap': '💸' };
function runRows(t, s) {
    const { settings } = s;
    const scriptLines = settings.run.trim().split('\n');
    const more = scriptLines.length > 1 ? ` <em>(+${scriptLines.length - 1} more line${scriptLines.length === 2 ? '' : 's'})</em>` : '';
    const spec = (0,providers/* providerSpec */.F1)(t.provider);
    const where = [`${(0,markup/* text */.Qq)(spec.resourceKind)} ${t.resourceId ? (0,markup/* code */.aY)(t.resourceId) : '—'}`];
    const own = settings[settings.provider];
    for (const [label, value] of spec.describeRemote?.(own) ?? [])
        where.push(`${(0,markup/* text */.Qq)(label)} ${(0,markup/* code */.aY)(value)}`);
    const rows = [
        { label: 'Ran', html: `${(0,markup/* code */.aY)(scriptLines[0])}${more}` },
        { label: 'On', html: where.join(' ') },
        { label: 'Lease', html: (0,markup/* code */.aY)(t.leaseId) },
        { label: 'Remote directory', html: (0,markup/* code */.aY)(external_node_path_.posix.join(settings.remoteDir, settings.workingDirectory)) },
        {
            label: 'Workspace archive',
            html: settings.sync ? (0,markup/* text */.Qq)(`${t.archiveFiles} files, ${(0,units/* formatBytes */.z3)(t.archiveBytes)} compressed`) : (0,markup/* text */.Qq)('not synced (sync: false)')
        }
    ];
    if (spec.kind === 'shell')
        rows.push({ label: 'Provision', html: (0,markup/* text */.Qq)((0,units/* formatMs */._V)(t.provisionMs)) });
    rows.push({ label: spec.kind === 'delegated' ? 'Stage workspace' : 'Sync', html: (0,markup/* text */.Qq)((0,units/* formatMs */._V)(t.syncMs)) }, { label: 'Command', html: (0,markup/* text */.Qq)((0,units/* formatMs */._V)(t.commandMs)) }, ...(s.extraRows ?? []), { label: 'Exit code', html: t.exitCode < 0 ? '—' : (0,markup/* text */.Qq)(String(t.exitCode)) }, { label: 'Status', html: (0,markup/* text */.Qq)(`${STATUS_ICON[t.runStatus] ?? ''} ${t.runStatus}${t.errorKind ? ` (${t.errorKind})` : ''}`) });
    if (s.costUsd !== undefined)
        rows.push({ label: 'Estimated cost so far', html: (0,markup/* text */.Qq)(`$${s.costUsd.toFixed(4)}`) });
    return rows;
}
/** What went wrong, as Markdown (our own sentences, provider text in a code block). */
function failureSection(t, s) {
    if (t.runStatus === 'succeeded')
        return '';
    const parts = [];
    if (s.error !== undefined)
        parts.push(`**Error** (${(0,markup/* text */.Qq)(t.errorKind || 'failure')}):\n${(0,markup/* codeBlock */.DV)(s.error)}`);
    else if (t.runStatus === 'timed-out') {
        parts.push(`**The command ran longer than command-timeout (${(0,markup/* text */.Qq)((0,units/* formatMs */._V)(s.settings.commandTimeoutMs))}) and was killed (exit 124).**\n\n`);
    }
    else if (t.runStatus === 'canceled')
        parts.push('**The run was canceled**; the post step releases the remote.\n\n');
    else if (t.errorKind === 'command-exit')
        parts.push(`**The remote command exited with code ${(0,markup/* text */.Qq)(String(t.exitCode))}.**\n\n`);
    const tail = (0,command_tail/* commandOutputTail */.BW)();
    if (tail) {
        const which = tail.cut ? `Last ${tail.lines} lines` : 'Output';
        parts.push(`${which} of the command (secrets masked as in the log):\n${(0,markup/* codeBlock */.DV)(tail.text)}`);
    }
    else if (s.error === undefined)
        parts.push('The command printed nothing.\n\n');
    return parts.join('');
}
async function writeRunSummary(t, s) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    const heading = `${STATUS_ICON[t.runStatus] ?? ''} Offload on ${t.provider}: ${t.runStatus}${t.errorKind ? ` (${t.errorKind})` : ''}`;
    await lib_core.summary
        .addHeading((0,markup/* text */.Qq)(heading), 3)
        .addTable((0,markup/* table */.tp)(runRows(t, s)))
        .addRaw(`\n${failureSection(t, s)}`)
        .write();
}
async function writeReleaseSummary(t, release) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    const kept = /^kept\b/.test(release.detail);
    const verdict = kept ? 'remote kept' : release.verified ? 'released' : 'release NOT confirmed';
    const rows = [
        { label: 'Lease', html: code(t.leaseId) },
        { label: isProviderName(t.provider) ? providerSpec(t.provider).resourceKind : 'Resource', html: t.resourceId ? code(t.resourceId) : '—' },
        { label: 'Release', html: text(`${kept ? '⏸️' : release.verified ? '✅' : '⚠️'} ${release.detail}`) }
    ];
    if (!kept)
        rows.push({ label: 'Release time', html: text(formatMs(t.releaseMs)) });
    rows.push({ label: 'Total', html: text(formatMs(t.totalMs)) });
    if (release.costUsd !== undefined)
        rows.push({ label: 'Estimated cost', html: text(`$${release.costUsd.toFixed(4)}`) });
    let after = '\n';
    if (release.manualCleanup)
        after += `${kept ? 'Reach and remove it by hand' : 'Clean up by hand'}:\n${codeBlock(release.manualCleanup, 'sh')}`;
    after += `<details><summary>Timings JSON</summary>\n${codeBlock(JSON.stringify(t), 'json')}</details>\n`;
    const summary = core.summary.addHeading(text(`Offload on ${t.provider}: ${verdict}`), 3).addTable(table(rows));
    if (release.costRows?.length)
        summary.addRaw('\n<p><strong>Cost (estimated)</strong></p>\n').addTable(costTable(release.costRows));
    await summary.addRaw(after).write();
}


/***/ })

};
;