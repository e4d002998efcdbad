/**
 * The script and expectations shared by every provider's end-to-end success test: the workspace
 * from makeWorkspace() must arrive with nested dirs, an executable, a symlink, unicode names and
 * the untracked file, and without the ignored files.
 */
export const WORKSPACE_CHECK_SCRIPT = [
  'set -e',
  'cat src/deep/nested/file.txt',
  'test -L link-to-file && echo "link -> $(readlink link-to-file)"',
  'test -x bin/tool.sh && ./bin/tool.sh',
  'cat "données/ünïcode ✓.txt"',
  'test ! -e ignored.txt && test ! -e build && echo ignored-absent',
  'test -e untracked.txt && echo untracked-present',
  'cmp -s README.md hardlink-to-readme.md && echo hardlink-content-ok',
  'echo "FOO=$FOO CI=$CI"',
  'echo to-stderr >&2'
].join('\n')

export const WORKSPACE_CHECK_STDOUT = [
  'nested content',
  'link -> src/deep/nested/file.txt',
  'tool-ran',
  'unicode ok',
  'ignored-absent',
  'untracked-present',
  'hardlink-content-ok',
  'FOO=bar baz CI=true'
]

export function expectWorkspaceArrived(stdout: string, stderr: string): void {
  for (const want of WORKSPACE_CHECK_STDOUT) expect(stdout + stderr).toContain(want)
  expect(stdout + stderr).toContain('to-stderr')
  expect(stdout + stderr).not.toContain('SHOULD NOT ARRIVE')
}

export function processesMatching(text: string): string[] {
  const fs = require('node:fs') as typeof import('node:fs')
  const found: string[] = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ')
      if (cmd.includes(text)) found.push(`${entry}: ${cmd}`)
    } catch {
      // exited meanwhile
    }
  }
  return found
}
