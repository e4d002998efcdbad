import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * Generated benchmark workspaces, cached under bench/.work (gitignored) and rebuilt when the
 * spec changes. Text files are compressible source-like lines; binary files are random bytes.
 */
export interface TreeSpec {
  name: string
  textFiles: number
  textBytes: number
  binaryFiles: number
  binaryBytes: number
  filesPerDir: number
}

export const TREE_200M: TreeSpec = { name: 'ws-200m', textFiles: 14_000, textBytes: 4 * 1024, binaryFiles: 6_000, binaryBytes: 24 * 1024, filesPerDir: 200 }
export const TREE_1G: TreeSpec = { name: 'ws-1g', textFiles: 256, textBytes: 1024 * 1024, binaryFiles: 768, binaryBytes: 1024 * 1024, filesPerDir: 64 }
/** For rows about latency, not throughput (provisioning overhead). */
export const TREE_TINY: TreeSpec = { name: 'ws-tiny', textFiles: 20, textBytes: 2048, binaryFiles: 0, binaryBytes: 0, filesPerDir: 10 }

/** Scaling section: file counts (2 KiB source-like files) and bytes (1 MiB files, a quarter text). */
export const SCALING_TREES: Record<string, TreeSpec> = {
  '1k': { name: 'scale-1k', textFiles: 1000, textBytes: 2048, binaryFiles: 0, binaryBytes: 0, filesPerDir: 200 },
  '10k': { name: 'scale-10k', textFiles: 10_000, textBytes: 2048, binaryFiles: 0, binaryBytes: 0, filesPerDir: 200 },
  '100k': { name: 'scale-100k', textFiles: 100_000, textBytes: 2048, binaryFiles: 0, binaryBytes: 0, filesPerDir: 200 },
  '100m': { name: 'scale-100m', textFiles: 25, textBytes: 1024 * 1024, binaryFiles: 75, binaryBytes: 1024 * 1024, filesPerDir: 64 },
  '1g': TREE_1G,
  '4g': { name: 'scale-4g', textFiles: 1024, textBytes: 1024 * 1024, binaryFiles: 3072, binaryBytes: 1024 * 1024, filesPerDir: 64 }
}

export function specBytes(spec: TreeSpec): number {
  return spec.textFiles * spec.textBytes + spec.binaryFiles * spec.binaryBytes
}

const WORDS =
  'const let function return import export from await async if else for while class extends new this type interface string number boolean true false null undefined'.split(
    ' '
  )

function textContent(bytes: number): Buffer {
  const lines: string[] = []
  let size = 0
  while (size < bytes) {
    const n = 4 + Math.floor(Math.random() * 10)
    const line = Array.from({ length: n }, () => WORDS[Math.floor(Math.random() * WORDS.length)]).join(' ') + `; // ${Math.floor(Math.random() * 1e6)}\n`
    lines.push(line)
    size += line.length
  }
  return Buffer.from(lines.join('')).subarray(0, bytes)
}

export function ensureTree(workDir: string, spec: TreeSpec): string {
  const root = path.join(workDir, spec.name)
  const marker = path.join(root, '.bench-spec.json')
  const want = JSON.stringify(spec)
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === want) return root
  fs.rmSync(root, { recursive: true, force: true })
  fs.mkdirSync(root, { recursive: true })
  const total = spec.textFiles + spec.binaryFiles
  const made = new Set<string>()
  for (let i = 0; i < total; i++) {
    const dir = path.join(root, `pkg${Math.floor(i / spec.filesPerDir)}`, `mod${Math.floor(i / 20) % 10}`)
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true })
      made.add(dir)
    }
    // Exactly binaryFiles binaries, spread evenly through the tree.
    const isText = (i * spec.binaryFiles) % total >= spec.binaryFiles
    const content = isText ? textContent(spec.textBytes) : randomBytes(spec.binaryBytes)
    fs.writeFileSync(path.join(dir, isText ? `file${i}.ts` : `blob${i}.bin`), content)
  }
  // Its own git work tree, as a checkout is (and bench/.work is ignored by this repository's git).
  execFileSync('git', ['init', '-q'], { cwd: root })
  fs.writeFileSync(marker, want)
  return root
}

export function treeBytes(root: string): { files: number; bytes: number } {
  let files = 0
  let bytes = 0
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else {
        files++
        bytes += fs.statSync(p).size
      }
    }
  }
  walk(root)
  return { files, bytes }
}
