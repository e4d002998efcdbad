import { PerformanceObserver, constants, performance, type PerformanceEntry } from 'node:perf_hooks'
import { GARBAGE_ABOVE, MAJOR_ABOVE, RELIEF_BYTES, noteStreamed, tightenCollections } from '../../src/util/memory'

/**
 * src/util/memory.ts: every RELIEF_BYTES streamed, a young collection, or a full one once the
 * process holds more than MAJOR_ABOVE of ArrayBuffer memory (promoted chunks waiting for one), or
 * GARBAGE_ABOVE more than the last full collection left while a stream tightened them.
 */
const holding = (bytes: number): Buffer[] => Array.from({ length: Math.ceil(bytes / (64 * 1024)) }, () => Buffer.alloc(64 * 1024))
async function collectionsDuring(action: () => void): Promise<number[]> {
  const kinds: number[] = []
  let from = Infinity
  let to = -Infinity
  const observer = new PerformanceObserver(list => {
    // Only the collections run inside `action` (noteStreamed runs them synchronously), not V8's own.
    for (const e of list.getEntries())
      if (e.startTime >= from && e.startTime <= to) kinds.push((e as PerformanceEntry & { detail: { kind: number } }).detail.kind)
  })
  observer.observe({ entryTypes: ['gc'] })
  from = performance.now()
  action()
  to = performance.now()
  // GC entries are delivered asynchronously.
  await new Promise(r => setTimeout(r, 100))
  observer.disconnect()
  return kinds
}

test('streaming RELIEF_BYTES runs a young collection while little ArrayBuffer memory is held', async () => {
  // Earlier test files in this worker may have left more than MAJOR_ABOVE of garbage Buffers: the
  // reliefs' own full collections free them first.
  for (let i = 0; i < 5 && process.memoryUsage().arrayBuffers >= MAJOR_ABOVE; i++) noteStreamed(RELIEF_BYTES)
  expect(process.memoryUsage().arrayBuffers).toBeLessThan(MAJOR_ABOVE)
  const kinds = await collectionsDuring(() => noteStreamed(RELIEF_BYTES))
  expect(kinds).toContain(constants.NODE_PERFORMANCE_GC_MINOR)
  expect(kinds).not.toContain(constants.NODE_PERFORMANCE_GC_MAJOR)
})

test('while a stream has tightened the collections, GARBAGE_ABOVE more than the live set makes the relief a full collection; once it is done, not', async () => {
  const loosen = tightenCollections()
  const held = holding(GARBAGE_ABOVE + 1024 * 1024)
  const tight = await collectionsDuring(() => noteStreamed(RELIEF_BYTES))
  loosen()
  expect(tight).toContain(constants.NODE_PERFORMANCE_GC_MAJOR)
  // The full collection freed the garbage; what is held now is live and below MAJOR_ABOVE.
  expect(process.memoryUsage().arrayBuffers).toBeGreaterThan(GARBAGE_ABOVE)
  expect(process.memoryUsage().arrayBuffers).toBeLessThan(MAJOR_ABOVE)
  const loose = await collectionsDuring(() => noteStreamed(RELIEF_BYTES))
  expect(loose).toContain(constants.NODE_PERFORMANCE_GC_MINOR)
  expect(loose).not.toContain(constants.NODE_PERFORMANCE_GC_MAJOR)
  expect(held.length).toBeGreaterThan(0)
})

test('streaming RELIEF_BYTES runs a full collection once more than MAJOR_ABOVE of ArrayBuffer memory is held', async () => {
  const held = holding(MAJOR_ABOVE + 1024 * 1024)
  const kinds = await collectionsDuring(() => noteStreamed(RELIEF_BYTES))
  expect(held.length).toBeGreaterThan(0)
  expect(kinds).toContain(constants.NODE_PERFORMANCE_GC_MAJOR)
})
