/**
 * Streaming a workspace or a command's output allocates short-lived Buffers, several copies deep
 * (socket reads, frames, compressed blocks). V8 frees that external memory only after about 64 MB
 * of it has piled up, which alone would take the action past its memory budget (bench/: peak
 * RSS). So every RELIEF_BYTES streamed a young-generation collection (under a millisecond) hands
 * the chunks back. Chunks that sat in a queue through two young collections are promoted and wait
 * for a full collection; when the ArrayBuffer memory held passes MAJOR_ABOVE (or, while a
 * stream that asked for it with tightenCollections() runs, passes what the last full collection
 * left, the live set, by more than GARBAGE_ABOVE), the relief is a full collection instead. Full collections cost ~20 ms each here, so they are not run on a
 * fixed cadence: that doubled the time of a 200 MB relay that never needed one.
 *
 * Measured on the 1 GiB Nomad sync: young collections every 8 MiB alone, 152 MiB peak; this
 * policy (then MAJOR_ABOVE alone), 130-135 MiB. On the 1 GiB SSH sync, the promoted Buffers' memory
 * is what the peak is made of (it stays in malloc's heap once touched): at 24 MiB, malloc's heap
 * grew by 24 MiB before V8's own first full collection; with ~1 MiB live and GARBAGE_ABOVE, by 11
 * MiB (peak RSS 100-111 → 93-97 MiB with ssh.ts's CHANNEL_QUEUE_BYTES, which keeps the full
 * collections to about ten a sync). Not for every stream: a 200 MB download promotes far more
 * (its chunks wait in the SSH channel's 2 MiB receive buffer), and 8 MiB over the live set made 27-32 full
 * collections of it instead of 13-18 (+0.2 s); a fixed 8 MiB, ~70 (+1 s).
 *
 * node:v8 and node:vm are fetched on the first relief, not imported: node:v8 alone took ~6 ms of
 * every start (bench/: cold start), and runs that stream little never need either.
 */
export const RELIEF_BYTES = 4 * 1024 * 1024
export const GARBAGE_ABOVE = 8 * 1024 * 1024
export const MAJOR_ABOVE = 24 * 1024 * 1024
let streamed = 0
/** ArrayBuffer memory right after the last full collection run here: what was live then. */
let liveAfterMajor = 0
let tightStreams = 0

/** Full collections at GARBAGE_ABOVE over the live set until the returned function is called. */
export function tightenCollections(): () => void {
  tightStreams++
  let done = false
  return () => {
    if (!done) tightStreams--
    done = true
  }
}
let collect: ((options: { type: 'minor' | 'major' }) => void) | undefined

export function noteStreamed(bytes: number): void {
  streamed += bytes
  if (streamed < RELIEF_BYTES) return
  streamed = 0
  if (!collect) {
    const v8 = process.getBuiltinModule('node:v8')
    const vm = process.getBuiltinModule('node:vm')
    // The young generation grows (doubling, up to 64 MiB here) whenever enough survives its
    // collections, and a long stream always gets there; it never shrinks back while busy. V8 reads
    // this factor when it grows the space, so setting it now keeps the size reached at start-up.
    v8.setFlagsFromString('--semi-space-growth-factor=1')
    v8.setFlagsFromString('--expose-gc')
    collect = vm.runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void
  }
  const major = process.memoryUsage().arrayBuffers > (tightStreams > 0 ? Math.min(MAJOR_ABOVE, liveAfterMajor + GARBAGE_ABOVE) : MAJOR_ABOVE)
  collect({ type: major ? 'major' : 'minor' })
  if (major) liveAfterMajor = process.memoryUsage().arrayBuffers
}
