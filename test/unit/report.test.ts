import { CommandFence } from '../../src/report/fence'
import { classify } from '../../src/report/timings'
import { envScript, shJoin, shQuote } from '../../src/remote/quote'
import { parseDuration, parseSize } from '../../src/util/units'
import { redact, registerSecret, clearRegisteredSecrets } from '../../src/util/redact'
import { execFileSync } from 'node:child_process'

describe('report helpers', () => {
  it('fences remote output with a fresh random token per run', async () => {
    const lines: string[] = []
    const a = new CommandFence(true)
    a.open(l => lines.push(l))
    await a.close(l => lines.push(l))
    const b = new CommandFence(true)
    b.open(l => lines.push(l))
    const token = /^::stop-commands::(offload-[0-9a-f]{32})\n$/.exec(lines[0])![1]
    expect(lines[1]).toBe(`::${token}::\n`)
    expect(lines[2]).not.toContain(token)
    const off = new CommandFence(false)
    off.open(l => lines.push(l))
    expect(lines).toHaveLength(3)
  })

  it('classifies outcomes as crabbox does', () => {
    expect(classify({ exitCode: 0 })).toEqual({ runStatus: 'succeeded', errorKind: '' })
    expect(classify({ exitCode: 7 })).toEqual({ runStatus: 'failed', errorKind: 'command-exit' })
    expect(classify({ exitCode: 124, timedOut: true })).toEqual({ runStatus: 'timed-out', errorKind: 'timeout' })
    expect(classify({ canceled: true })).toEqual({ runStatus: 'canceled', errorKind: 'canceled' })
    expect(classify({ providerError: true })).toEqual({ runStatus: 'failed', errorKind: 'provider-error' })
  })

  it('quotes argv and env so a real sh gets the exact values back', () => {
    const nasty = `it's "quoted" $HOME \`x\` \\ ; newline\nend`
    const out = execFileSync('sh', ['-c', `${shJoin(['printf', '%s', nasty])}`], { encoding: 'utf8' })
    expect(out).toBe(nasty)
    const viaEnv = execFileSync('sh', ['-c', `${envScript({ V: nasty })}printf %s "$V"`], { encoding: 'utf8' })
    expect(viaEnv).toBe(nasty)
    expect(shQuote('plain-word')).toBe('plain-word')
  })

  it('parses durations and sizes', () => {
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('1.5h')).toBe(5_400_000)
    expect(parseDuration('5')).toBeUndefined()
    expect(parseSize('2GiB')).toBe(2 * 1024 ** 3)
    expect(parseSize('500MB')).toBe(500e6)
    expect(parseSize('-1')).toBeUndefined()
  })

  it('redacts registered secrets, key material and token fields', () => {
    clearRegisteredSecrets()
    registerSecret('s3cr3t-value')
    const text = redact('err s3cr3t-value {"api_key":"abcdef"} Bearer xyz.123 -----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----')
    expect(text).not.toMatch(/s3cr3t|abcdef|xyz\.123|AAAA/)
  })
})
