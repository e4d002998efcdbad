import { z } from 'zod'

/** Flue protocol v1 (crabbox PR #692), with Offload's optional fields. */
export interface FlueRequest {
  protocolVersion: 1
  operation: 'run'
  leaseId: string
  workflow: string
  target: 'node'
  workspaceArchive: string
  workspace: string
  command: string[]
  cwd: string
  env: Record<string, string>
  timeoutMs: number
  outputLimits: { stdoutBytes: number; stderrBytes: number }
  metadata: Record<string, string>
}

const responseSchema = z
  .object({
    protocolVersion: z.literal(1),
    operation: z.string().optional(),
    exitCode: z.number().int(),
    stdout: z.string().optional(),
    stderr: z.string().optional(),
    timing: z.object({ totalMs: z.number().nonnegative().optional(), runMs: z.number().nonnegative().optional() }).partial().optional(),
    error: z.string().optional(),
    /** Offload's runners echo the command's output live on stderr; then it is not replayed. */
    streamed: z.boolean().optional(),
    truncated: z.object({ stdout: z.boolean().optional(), stderr: z.boolean().optional() }).partial().optional()
  })
  .passthrough()

export type FlueResponse = z.infer<typeof responseSchema>

/**
 * The response is the last JSON line of stdout: first the whole trimmed text, then lines from the
 * end that start with '{' (as crabbox reads it).
 */
export function parseResponse(stdout: string): FlueResponse | undefined {
  const candidates = [
    stdout.trim(),
    ...stdout
      .split('\n')
      .reverse()
      .map(l => l.trim())
      .filter(l => l.startsWith('{'))
  ]
  for (const c of candidates) {
    if (!c) continue
    try {
      const parsed = responseSchema.safeParse(JSON.parse(c))
      if (parsed.success) return parsed.data
    } catch {
      // not JSON; try the next candidate
    }
  }
  return undefined
}
