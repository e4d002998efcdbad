import { gzipSync } from 'node:zlib'

/**
 * Tar archives written byte by byte (POSIX ustar headers), for archives no honest tar would make:
 * '..' and absolute names, links followed by writes through them, devices, foreign owners.
 */
export interface CraftEntry {
  name: string
  /** '0' file, '1' hard link, '2' symlink, '3' char device, '4' block device, '5' directory, '6' FIFO. */
  type?: '0' | '1' | '2' | '3' | '4' | '5' | '6'
  mode?: number
  uid?: number
  gid?: number
  linkname?: string
  content?: string | Buffer
  devmajor?: number
  devminor?: number
}

function field(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8')
  if (bytes.length > length) throw new Error(`tar-craft: '${value}' does not fit in ${length} bytes`)
  bytes.copy(block, offset)
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  field(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`)
}

export function header(e: CraftEntry, size: number): Buffer {
  const h = Buffer.alloc(512)
  field(h, 0, 100, e.name)
  octal(h, 100, 8, e.mode ?? (e.type === '5' ? 0o755 : 0o644))
  octal(h, 108, 8, e.uid ?? 0)
  octal(h, 116, 8, e.gid ?? 0)
  octal(h, 124, 12, size)
  octal(h, 136, 12, 1_700_000_000)
  field(h, 148, 8, '        ') // checksum counts as spaces while it is computed
  field(h, 156, 1, e.type ?? '0')
  field(h, 157, 100, e.linkname ?? '')
  field(h, 257, 6, 'ustar\0')
  field(h, 263, 2, '00')
  field(h, 265, 32, 'mallory')
  field(h, 297, 32, 'mallory')
  octal(h, 329, 8, e.devmajor ?? 0)
  octal(h, 337, 8, e.devminor ?? 0)
  let sum = 0
  for (const b of h) sum += b
  field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
  return h
}

/** An uncompressed tar: each entry's header and content padded to 512 bytes, then two zero blocks. */
export function craftTar(entries: CraftEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    const body = Buffer.from(e.content ?? '')
    const hasBody = (e.type ?? '0') === '0'
    parts.push(header(e, hasBody ? body.length : 0))
    if (hasBody && body.length) parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512))
  }
  parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

export function craftTarGz(entries: CraftEntry[]): Buffer {
  return gzipSync(craftTar(entries))
}
