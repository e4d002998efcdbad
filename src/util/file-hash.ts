import { createHash } from 'node:crypto'
import * as fs from 'node:fs'

/** SHA-256 (hex) of a file's content, read in 256 KiB blocks (synchronous, like the tree walks that call it). */
export function fileSha256(absolute: string): string {
  const hash = createHash('sha256')
  const fd = fs.openSync(absolute, 'r')
  try {
    const chunk = Buffer.allocUnsafe(256 * 1024)
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0;) hash.update(chunk.subarray(0, n))
  } finally {
    fs.closeSync(fd)
  }
  return hash.digest('hex')
}
