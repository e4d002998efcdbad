/** The validated flue-* inputs. */
export interface FlueSettings {
  /** Absolute path of the Flue project directory. */
  root: string
  workflow: string
  /** '' = resolve the project's own CLI, else a path or a command on PATH. */
  cli: string
  /** 'cli', or an absolute path to a Node script that speaks protocol v1. */
  runner: 'cli' | { script: string }
  config: string
  envFile: string
  target: 'node'
}
