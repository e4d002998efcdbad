import * as v8 from 'node:v8'
import * as vm from 'node:vm'

/**
 * Streaming a workspace or a command's output allocates a short-lived Buffer per chunk. V8 frees
 * that (external) memory only after about 64 MB of it has piled up since its last collection,
 * which alone would take the action past its memory budget (bench/: peak RSS). After every
 * RELIEF_BYTES streamed, a young-generation collection (about a millisecond) hands it back, so the
 * process stays flat however much flows through it.
 */
const RELIEF_BYTES = 8 * 1024 * 1024
let streamed = 0
let collect: ((options: { type: 'minor' }) => void) | undefined

export function noteStreamed(bytes: number): void {
  streamed += bytes
  if (streamed < RELIEF_BYTES) return
  streamed = 0
  if (!collect) {
    v8.setFlagsFromString('--expose-gc')
    collect = vm.runInNewContext('gc') as (options: { type: 'minor' }) => void
  }
  collect({ type: 'minor' })
}
