export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function range(xs: number[]): string {
  return `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`
}

/** Runs a and b alternately (A B A B ...) after one warm-up of each, so drift hits both equally. */
export async function alternate(rounds: number, a: () => Promise<number>, b: () => Promise<number>): Promise<[number[], number[]]> {
  await a()
  await b()
  const as: number[] = []
  const bs: number[] = []
  for (let i = 0; i < rounds; i++) {
    as.push(await a())
    bs.push(await b())
  }
  return [as, bs]
}

/** `rounds` samples of fn after one warm-up. */
export async function repeat(rounds: number, fn: () => Promise<number>): Promise<number[]> {
  await fn()
  const out: number[] = []
  for (let i = 0; i < rounds; i++) out.push(await fn())
  return out
}
