/**
 * Offload protocol v1: the request file the action writes, and the one-line JSON response the
 * workflow returns (flue prints it on stdout). Validated with valibot.
 */
import * as path from 'node:path';
import * as v from 'valibot';

export const PROTOCOL_VERSION = 1;
export const DEFAULT_OUTPUT_LIMIT = 10 * 1024 * 1024;

const absolutePath = (what: string) =>
  v.pipe(
    v.string(),
    v.check((s) => !s.includes('\0'), `${what} must not contain NUL bytes`),
    v.check((s) => path.posix.isAbsolute(s), `${what} must be an absolute path`),
  );

const nonNegativeInt = v.pipe(v.number(), v.integer(), v.minValue(0));

export const RequestSchema = v.object({
  protocolVersion: v.literal(PROTOCOL_VERSION, 'protocolVersion must be 1'),
  operation: v.literal('run', 'operation must be "run"'),
  leaseId: v.optional(v.string()),
  workflow: v.optional(v.string()),
  target: v.optional(v.literal('node', 'target must be "node"')),
  // Absent or empty when sync is off: then the workspace is just created empty.
  workspaceArchive: v.optional(
    v.union([v.literal(''), absolutePath('workspaceArchive')], 'workspaceArchive must be an absolute path or empty'),
  ),
  workspace: v.pipe(
    absolutePath('workspace'),
    v.check((s) => !s.split('/').includes('..'), 'workspace must not contain ".." components'),
    v.check((s) => s.replace(/\/+/g, '/') !== '/', 'workspace must not be "/"'),
  ),
  command: v.pipe(
    v.array(
      v.pipe(
        v.string('command entries must be strings'),
        v.check((s) => !s.includes('\0'), 'command entries must not contain NUL bytes'),
      ),
      'command must be an array of strings',
    ),
    v.minLength(1, 'command must not be empty'),
    v.check((c) => c[0] !== '', 'command[0] must not be empty'),
  ),
  cwd: v.optional(v.string()),
  env: v.optional(v.record(v.string(), v.string('env values must be strings'))),
  timeoutMs: v.optional(nonNegativeInt),
  outputLimits: v.optional(
    v.object({
      stdoutBytes: v.optional(nonNegativeInt),
      stderrBytes: v.optional(nonNegativeInt),
    }),
  ),
  metadata: v.optional(
    v.looseObject({
      pidFile: v.optional(absolutePath('metadata.pidFile')),
      stagingDir: v.optional(absolutePath('metadata.stagingDir')),
    }),
  ),
});

export type RunRequest = v.InferOutput<typeof RequestSchema>;

export interface RunResponse {
  protocolVersion: 1;
  operation: 'run';
  leaseId?: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  timing: { runMs: number; totalMs: number };
  truncated?: { stdout?: boolean; stderr?: boolean };
  /** Offload extension: stdout/stderr were already echoed live on the runner's stderr. */
  streamed?: boolean;
  error?: string;
}

/** Parse and validate the request; throws an Error with every problem listed. */
export function parseRequest(raw: string, file: string): RunRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new Error(`request file ${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const result = v.safeParse(RequestSchema, json);
  if (!result.success) {
    const problems = result.issues.map((i) => {
      const where = v.getDotPath(i);
      return where ? `${where}: ${i.message}` : i.message;
    });
    throw new Error(`invalid offload request (${file}): ${problems.join('; ')}`);
  }
  return result.output;
}

/**
 * Resolve the request's relative `cwd` inside the workspace. Absolute paths and paths that
 * climb out of the workspace are refused.
 */
export function resolveCwd(workspaceDir: string, cwd: string | undefined): string {
  const rel = cwd === undefined || cwd === '' ? '.' : cwd;
  if (rel.includes('\0')) throw new Error('cwd must not contain NUL bytes');
  if (path.isAbsolute(rel)) throw new Error(`cwd '${rel}' must be relative to the workspace`);
  const normal = path.posix.normalize(rel);
  if (normal === '..' || normal.startsWith('../')) throw new Error(`cwd '${rel}' escapes the workspace`);
  return path.join(workspaceDir, normal);
}

/** `/workspace/offload` → `<staging>/workspace/offload` (the workspace path is virtual). */
export function mapWorkspace(stagingDir: string, workspace: string): string {
  const rel = path.posix.normalize(workspace).replace(/^\/+/, '');
  return path.join(stagingDir, rel);
}
