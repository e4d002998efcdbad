/** An input failed validation. Always names the input and the accepted form. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string,
    /** 'Environment variable' for a setting read from the environment (NOMAD_SKIP_VERIFY, OFFLOAD_TEST_PACING). */
    what = 'Input'
  ) {
    super(`${what} '${input}': ${message}`)
    this.name = 'InputError'
  }
}

/** A provider's remote call failed (API error, placement failure, unreachable host...). */
export class ProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ProviderError'
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
