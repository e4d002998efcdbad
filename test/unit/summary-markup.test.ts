import { Writable } from 'node:stream'
import { commandOutputTail, resetCommandOutputTail, teeCommandOutput } from '../../src/report/command-tail'
import { code, codeBlock, text } from '../../src/report/markup'
import { clearRegisteredSecrets, registerSecret } from '../../src/util/redact'
import { renderSummary } from '../support/summary-html'

function sink(): Writable & { got: Buffer[] } {
  const got: Buffer[] = []
  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      got.push(chunk)
      done()
    }
  })
  return Object.assign(w, { got })
}

describe('summary markup', () => {
  it('escapes text for HTML cells onto one line', () => {
    expect(text('a <b> & "c" \'d\' `e` | f\n\ng\x1b[31mred\x1b[0m\x07')).toBe('a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; &#96;e&#96; &#124; f  gred')
    expect(code('ofl_1')).toBe('<code>ofl_1</code>')
    expect(text('##[error]x')).toBe('##&#91;error]x')
  })

  it('fences a code block one backtick longer than any run inside, so the body cannot close it', () => {
    for (const body of ['plain', 'has ``` three', '`````\nfive\n~~~', '````']) {
      const block = codeBlock(`${body}\n<script>x</script>\n`)
      const longest = Math.max(3, ...(body.match(/`+/g) ?? []).map(r => r.length + 1))
      expect(block.split('\n')[1]).toBe(`${'`'.repeat(longest)}text`)
      const r = renderSummary(`<table><tr><td>a</td></tr></table>\n${block}after`)
      expect(r.codeBlocks).toEqual([`${body}\n<script>x</script>\n`])
      expect(r.prose).toContain('after')
      expect(r.disallowed).toEqual([])
    }
  })
})

describe('command output tail', () => {
  beforeEach(() => {
    resetCommandOutputTail()
    clearRegisteredSecrets()
  })

  it('passes every byte on at once and keeps the last lines, masked, redraws resolved', () => {
    const out = sink()
    const err = sink()
    const tOut = teeCommandOutput(out)
    const tErr = teeCommandOutput(err)
    registerSecret('hunter2-secret')
    for (let i = 1; i <= 50; i++) tOut.write(`line ${i}\n`)
    tErr.write('progress 10%\rprogress 100%\n')
    tOut.write('\x1b[32mgreen\x1b[0m pass hunter2-secret\n\n')
    expect(Buffer.concat(out.got).toString()).toContain('line 50\n')
    expect(Buffer.concat(err.got).toString()).toBe('progress 10%\rprogress 100%\n')
    const tail = commandOutputTail(5)!
    expect(tail.text).toBe('line 48\nline 49\nline 50\nprogress 100%\ngreen pass ***')
    expect(tail.cut).toBe(true)
  })

  it('stays bounded however much is written, dropping the first partial line', () => {
    const t = teeCommandOutput(sink())
    const long = 'x'.repeat(1000)
    for (let i = 0; i < 2000; i++) t.write(`${i} ${long}\n`)
    const tail = commandOutputTail()!
    expect(tail.lines).toBeLessThanOrEqual(30)
    expect(tail.text.split('\n').every(l => l.length <= 402)).toBe(true)
    expect(tail.text).toMatch(/^1999 x+ …$/m)
  })

  it('is absent when the command printed nothing', () => {
    expect(commandOutputTail()).toBeUndefined()
  })
})
