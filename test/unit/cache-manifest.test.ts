import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { listTree, MANIFEST_NAME, newManifest, verifyRestored, writeManifest } from '../../src/cache/manifest'

function staged(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-manifest-'))
  fs.mkdirSync(path.join(dir, '0/pip/sub'), { recursive: true })
  fs.writeFileSync(path.join(dir, '0/pip/a.whl'), 'wheel')
  fs.writeFileSync(path.join(dir, '0/pip/sub/run'), '#!/bin/sh\n', { mode: 0o755 })
  fs.symlinkSync('sub/run', path.join(dir, '0/pip/run'))
  return dir
}

async function saved(): Promise<string> {
  const dir = staged()
  writeManifest(dir, newManifest(['~/.cache/pip'], await listTree(dir)))
  return dir
}

describe('cache manifest', () => {
  it('lists directories, files with size and SHA-256, and symlinks, parents first', async () => {
    const dir = await saved()
    const tree = await listTree(dir)
    expect(tree.filter(e => e.path !== MANIFEST_NAME).map(e => [e.type, e.path])).toEqual([
      ['dir', '0'],
      ['dir', '0/pip'],
      ['file', '0/pip/a.whl'],
      ['link', '0/pip/run'],
      ['dir', '0/pip/sub'],
      ['file', '0/pip/sub/run']
    ])
    expect(tree.find(e => e.path === '0/pip/a.whl')).toMatchObject({ size: 5, sha256: createHash('sha256').update('wheel').digest('hex') })
  })

  it('accepts the trees it recorded and puts the recorded modes back', async () => {
    const dir = await saved()
    fs.chmodSync(path.join(dir, '0/pip/sub/run'), 0o644) // as a runner's umask-applying tar might leave it
    await expect(verifyRestored(dir, ['~/.cache/pip'])).resolves.toMatchObject({ paths: ['~/.cache/pip'] })
    expect(fs.statSync(path.join(dir, '0/pip/sub/run')).mode & 0o777).toBe(0o755)
  })

  it.each([
    ['altered content', (d: string) => fs.writeFileSync(path.join(d, '0/pip/a.whl'), 'WHEEL'), '"0/pip/a.whl" does not match the SHA-256'],
    ['a missing file', (d: string) => fs.rmSync(path.join(d, '0/pip/a.whl')), '"0/pip/a.whl" does not match'],
    ['an added file', (d: string) => fs.writeFileSync(path.join(d, '0/pip/planted'), 'x'), '"0/pip/planted" is not in the manifest'],
    [
      'a retargeted link',
      (d: string) => (fs.rmSync(path.join(d, '0/pip/run')), fs.symlinkSync('/etc/passwd', path.join(d, '0/pip/run'))),
      '"0/pip/run" does not match'
    ],
    [
      'an edited entry list',
      (d: string) => {
        const m = JSON.parse(fs.readFileSync(path.join(d, MANIFEST_NAME), 'utf8'))
        m.entries.pop()
        fs.writeFileSync(path.join(d, MANIFEST_NAME), JSON.stringify(m))
      },
      "entry list does not match the manifest's SHA-256"
    ],
    ['no manifest', (d: string) => fs.rmSync(path.join(d, MANIFEST_NAME)), 'manifest offload-cache.json is missing']
  ])('refuses %s', async (_what, change, message) => {
    const dir = await saved()
    change(dir)
    await expect(verifyRestored(dir, ['~/.cache/pip'])).rejects.toThrow(message)
  })

  it('refuses an entry saved for other paths', async () => {
    const dir = await saved()
    await expect(verifyRestored(dir, ['~/.cache/other'])).rejects.toThrow('it holds other paths (~/.cache/pip)')
  })
})
