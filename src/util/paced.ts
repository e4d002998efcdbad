import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'

/**
 * Long synchronous loops written as generators that yield at checkpoints, run either at once
 * (drain) or handing the event loop back every SLICE_MS (paced). Paced, I/O already under way
 * proceeds meanwhile: a re-sync starts its remote listing exec and then parses its manifest and
 * scans the workspace, and an exec only starts once the event loop has sent its channel-open and
 * exec requests and read the replies (SSH), or its WebSocket upgrade (Nomad). Run at once, the
 * ~50 ms of parsing and scanning of the bench's 20k-file tree came before the remote even began
 * listing (bench/: re-sync rows).
 */
const SLICE_MS = 2

export type Steps<T> = Generator<undefined, T, undefined>

/** Runs the steps to the end without yielding. */
export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}

/** Runs the steps, letting the event loop turn whenever SLICE_MS have passed since it last did. */
export async function paced<T>(steps: Steps<T>): Promise<T> {
  let last = performance.now()
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
    if (performance.now() - last >= SLICE_MS) {
      await nextTurn()
      last = performance.now()
    }
  }
}

/** How many loop iterations pass between checkpoints (a performance.now() each). */
export const CHECKPOINT_EVERY = 256
