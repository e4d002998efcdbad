/**
 * The cause cells of the Nomad rows (bench/run.ts), measured when a row misses: where the CPU of
 * a Nomad transfer goes. The Nomad agent emulator runs inside this bench process, on the same 2
 * cores as the action, so its CPU (this process's, over the run; nothing else here is busy then)
 * is what a real agent would spend on another machine; the action's own CPU comes from
 * bench/cpu-reporter.cjs, and a run that transfers nothing gives its start-up share.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ROOT, newRunnerTemp } from '../test/support/runner'
import { MB, type OffloadRun, type Rig } from './rig'
import { median } from './stats'

const CPU_REPORTER = path.join(ROOT, 'bench', 'cpu-reporter.cjs')

/**
 * Bytes on the wire per output byte: Nomad's executor sends ≤4096 bytes per frame
 * (drivers/shared/executor/exec_utils.go), as `{"stdout":{"data":"<base64>"}}` in a text frame
 * with a 4-byte header.
 */
const WIRE_PER_BYTE = (4 + '{"stdout":{"data":""}}'.length + (4096 / 3) * 4) / 4096

interface CpuRun {
  run: OffloadRun
  /** main's CPU, ms */
  action: number
  /** this process's CPU over the run (the emulator), ms */
  emulator: number
}

async function withCpu(rig: Rig, inputs: Record<string, string>, ws: string): Promise<CpuRun> {
  const runnerTemp = newRunnerTemp()
  const file = path.join(runnerTemp, 'cpu')
  const before = process.cpuUsage()
  const run = await rig.offload(inputs, ws, { runnerTemp, env: { NODE_OPTIONS: `--require ${CPU_REPORTER}`, OFFLOAD_BENCH_CPU_FILE: file } })
  const used = process.cpuUsage(before)
  // First line: main (post appends its own after it).
  const action = Number(fs.readFileSync(file, 'utf8').split('\n')[0])
  fs.rmSync(runnerTemp, { recursive: true, force: true })
  return { run, action, emulator: (used.user + used.system) / 1000 }
}

const ms = (x: number): string => `${x.toFixed(0)} ms`

async function cpuOf(rig: Rig, inputs: Record<string, string>, ws: string, rounds: number): Promise<{ action: number; emulator: number }> {
  const runs: CpuRun[] = []
  for (let i = 0; i < rounds; i++) runs.push(await withCpu(rig, inputs, ws))
  return { action: median(runs.map(r => r.action)), emulator: median(runs.map(r => r.emulator)) }
}

/** The Nomad relay row's cause: CPU on both ends of the exec stream and the bytes it carries. */
export async function nomadRelayCause(rig: Rig, ws: string, relay: string, bytes: number, rounds: number): Promise<string> {
  const idle = await cpuOf(rig, rig.nomadInputs('nomad-cause-idle', { run: 'true', sync: 'false' }), ws, rounds)
  const relayed = await cpuOf(rig, rig.nomadInputs('nomad-cause-relay', { run: relay, sync: 'false' }), ws, rounds)
  return (
    `CPU per run (medians of ${rounds}): the action ${ms(relayed.action - idle.action)} beyond an idle run's ${ms(idle.action)} ` +
    `(src/providers/nomad/websocket.ts reading the 4 KiB frames where they lie in each socket read, their base64 decoded from the bytes into 64 KiB blocks for the log), the Nomad agent emulator ${ms(relayed.emulator - idle.emulator)} ` +
    `(4 KiB base64 JSON frames, as Nomad's executor sends them) on the same 2 cores; the stream is ${((bytes * WIRE_PER_BYTE) / MB).toFixed(0)} MiB ` +
    `of base64 JSON for ${(bytes / MB).toFixed(0)} MiB of output (×${WIRE_PER_BYTE.toFixed(2)}), where ssh carries binary`
  )
}

/** The Nomad sync row's cause: the action's CPU on both paths and the emulator's. */
export async function nomadSyncCause(rig: Rig, ws: string, rounds: number): Promise<string> {
  const nomad = await cpuOf(rig, rig.nomadInputs('nomad-cause-ws', { run: 'true' }), ws, rounds)
  const ssh = await cpuOf(rig, rig.vastInputs('nomad-cause-vws', { run: 'true' }), ws, rounds)
  return (
    `CPU per run (medians of ${rounds}): the action ${ms(nomad.action)} on Nomad against ${ms(ssh.action)} on SSH ` +
    `(base64 JSON stdin frames are 1.33× the archive, masked a word at a time and written whole), plus ${ms(nomad.emulator)} in the Nomad agent emulator on the same 2 cores ` +
    `(unmasking and base64-decoding every frame into the remote's pipe), which a real agent spends on its own machine`
  )
}

/** The Nomad RSS row's cause: what a run that streams nothing already peaks at. */
export async function nomadRssCause(rig: Rig, ws: string, sync: number, relay: number): Promise<string> {
  const idle = await rig.offload(rig.nomadInputs('nomad-cause-rss', { run: 'true', sync: 'false' }), ws, { rss: true })
  const base = idle.rssBytes! / MB
  return `a run that transfers nothing peaks at ${base.toFixed(0)} MiB (start-up: Node, the bundle and the Nomad chunk; npm undici no longer loads for the exec WebSocket, which took 72 → 57 MiB); streaming adds ${(sync - base).toFixed(0)} MiB to the sync and ${(relay - base).toFixed(0)} MiB to the relay (buffers awaiting the next collection, util/memory.ts)`
}
