import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * The workspace changes an incremental re-sync must carry (issue 16: adds, edits, deletes, type
 * changes file↔dir↔link, renames, mode changes, an edit that keeps size and mtime), and the changes
 * a step's command may make to the remote tree. Shared by the unit test on a real sh and the e2e
 * tests on both providers.
 */

/** Files added to a makeWorkspace() tree before the first sync, for the changes below to work on. */
export function seedResyncWorkspace(ws: string): void {
  const write = (rel: string, content: string, mode = 0o644): void => {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true })
    fs.writeFileSync(path.join(ws, rel), content, { mode })
  }
  write('edit/me.txt', 'before\n')
  write('edit/same-size.txt', 'AAAA-original\n')
  write('delete/me.txt', 'gone soon\n')
  write('gone-dir/a.txt', 'a\n')
  write('gone-dir/sub/b.txt', 'b\n')
  write('emptied/only.txt', 'only\n')
  write('types/file-to-dir', 'was a file\n')
  write('types/dir-to-file/inner.txt', 'was in a dir\n')
  write('types/file-to-link', 'was a file\n')
  write('types/dir-to-link/inner.txt', 'was in a dir\n')
  fs.symlinkSync('../README.md', path.join(ws, 'types/link-to-file'))
  fs.symlinkSync('../src', path.join(ws, 'types/link-to-dir'))
  fs.symlinkSync('old-target', path.join(ws, 'types/link-retarget'))
  write('rename/old-name.txt', 'renamed content\n')
  write('rename/old-dir/x.txt', 'x\n')
  write('mode/script.sh', '#!/bin/sh\necho hi\n', 0o644)
  write('mode/private.txt', 'private\n', 0o644)
  write('remote/edited.txt', 'the runner wrote this\n')
  write('remote/deleted.txt', 'the runner wrote this\n')
  write('remote/chmodded.txt', 'the runner wrote this\n')
  write('remote/touched-back.txt', 'the runner wrote this\n')
  write('remote/dir-made-link/inner.txt', 'inner\n')
  for (let i = 0; i < 20; i++) write(`unchanged/f${i}.txt`, `unchanged ${i}\n`)
}

/** Every local change, applied at once. */
export function changeWorkspace(ws: string): void {
  const p = (rel: string): string => path.join(ws, rel)
  fs.mkdirSync(p('added/deeper'), { recursive: true })
  fs.writeFileSync(p('added/deeper/new.txt'), 'new file\n')
  fs.writeFileSync(p('edit/me.txt'), 'after, and longer\n')
  // Same size, then the old mtime put back: only the ctime (and the content hash) tell.
  const before = fs.statSync(p('edit/same-size.txt'))
  fs.writeFileSync(p('edit/same-size.txt'), 'BBBB-original\n')
  fs.utimesSync(p('edit/same-size.txt'), before.atime, before.mtime)
  fs.rmSync(p('delete/me.txt'))
  fs.rmSync(p('gone-dir'), { recursive: true })
  fs.rmSync(p('emptied/only.txt')) // the directory stays, empty: a full sync does not create it
  fs.rmSync(p('types/file-to-dir'))
  fs.mkdirSync(p('types/file-to-dir'))
  fs.writeFileSync(p('types/file-to-dir/now-inside.txt'), 'now in a dir\n')
  fs.rmSync(p('types/dir-to-file'), { recursive: true })
  fs.writeFileSync(p('types/dir-to-file'), 'now a file\n')
  fs.rmSync(p('types/file-to-link'))
  fs.symlinkSync('../README.md', p('types/file-to-link'))
  fs.rmSync(p('types/dir-to-link'), { recursive: true })
  fs.symlinkSync('../src', p('types/dir-to-link'))
  fs.rmSync(p('types/link-to-file'))
  fs.writeFileSync(p('types/link-to-file'), 'now a regular file\n')
  fs.rmSync(p('types/link-to-dir'))
  fs.mkdirSync(p('types/link-to-dir'))
  fs.writeFileSync(p('types/link-to-dir/inside.txt'), 'now a real dir\n')
  fs.rmSync(p('types/link-retarget'))
  fs.symlinkSync('new-target', p('types/link-retarget'))
  fs.renameSync(p('rename/old-name.txt'), p('rename/new-name.txt'))
  fs.renameSync(p('rename/old-dir'), p('rename/new-dir'))
  fs.chmodSync(p('mode/script.sh'), 0o755)
  fs.chmodSync(p('mode/private.txt'), 0o600)
}

/**
 * What a step's command does to the remote workspace (run there, in it): edits, deletes, chmods a
 * synced file, rewrites one and puts its mtime back, leaves build outputs, and replaces a synced
 * directory by a symlink to somewhere else (a re-sync must remove the link, not write through it).
 */
export const REMOTE_CHANGES_SCRIPT = [
  'set -e',
  'echo "the command changed this" >> remote/edited.txt',
  'rm remote/deleted.txt',
  'chmod 600 remote/chmodded.txt',
  'touch -r remote/touched-back.txt /tmp/offload-resync-ref.$$',
  'echo "THE RUNNER WROTE THIS" > remote/touched-back.txt',
  'touch -r /tmp/offload-resync-ref.$$ remote/touched-back.txt && rm /tmp/offload-resync-ref.$$',
  'echo built > build.out',
  'mkdir -p target/debug && echo obj > target/debug/x.o',
  'outside=$(mktemp -d)',
  'rm -rf remote/dir-made-link && ln -s "$outside" remote/dir-made-link',
  'echo "$outside" > outside-dir.txt',
  'echo remote-changes-done'
].join('\n')

/** The tree as a full sync leaves it: every entry with its type, file mode, size, content hash, mtime (s) and link target; directories by mode. */
export function snapshotTree(root: string): string[] {
  const out: string[] = []
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name
      const abs = path.join(root, child)
      const st = fs.lstatSync(abs)
      const mode = (st.mode & 0o7777).toString(8)
      if (st.isSymbolicLink()) out.push(`link ${child} -> ${fs.readlinkSync(abs)}`)
      else if (st.isDirectory()) {
        out.push(`dir ${child} ${mode}`)
        walk(child)
      } else if (st.isFile()) {
        const sha = createHash('sha256').update(fs.readFileSync(abs)).digest('hex').slice(0, 16)
        out.push(`file ${child} ${mode} ${st.size} ${sha} ${Math.floor(st.mtimeMs / 1000)}`)
      } else out.push(`other ${child}`)
    }
  }
  walk('')
  return out
}
