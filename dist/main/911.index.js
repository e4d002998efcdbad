"use strict";
exports.id = 911;
exports.ids = [911,292];
exports.modules = {

/***/ 60292:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   forgetRunnerTools: () => (/* binding */ forgetRunnerTools),
/* harmony export */   packerChoice: () => (/* binding */ packerChoice),
/* harmony export */   runnerTools: () => (/* binding */ runnerTools)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);

function packerChoice(env = process.env) {
    const v = (env.OFFLOAD_ARCHIVE_PACKER ?? '').trim();
    if (v === 'native' || v === 'in-process')
        return v;
    return 'auto';
}
let found;
/** What `prog args` prints (stdout and stderr), or undefined when it cannot be run or fails. */
function versionOf(prog, args) {
    return new Promise(resolve => {
        // process.env as it is now (a test's PATH, say), as the packer's own spawn sees it.
        (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile)(prog, args, { timeout: 5000, env: process.env }, (err, stdout, stderr) => resolve(err ? undefined : `${stdout}${stderr}`));
    });
}
function runnerTools() {
    if (packerChoice() === 'in-process')
        return Promise.resolve({ zstd: false, gzip: false, pigz: false });
    return (found ??= (async () => {
        const [tar, zstd, gzip, pigz] = await Promise.all([
            versionOf('tar', ['--version']),
            versionOf('zstd', ['-V']),
            versionOf('gzip', ['--version']),
            versionOf('pigz', ['--version'])
        ]);
        const kind = tar === undefined ? undefined : /GNU tar/.test(tar) ? 'gnu' : /bsdtar/.test(tar) ? 'bsd' : undefined;
        return { tar: kind, zstd: zstd !== undefined, gzip: gzip !== undefined, pigz: pigz !== undefined };
    })());
}
/** Forgets what was found (tests change PATH between cases). */
function forgetRunnerTools() {
    found = undefined;
}


/***/ })

};
;