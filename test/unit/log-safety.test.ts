import { PassThrough } from 'node:stream'
import { CommandFence } from '../../src/report/fence'
import { inert } from '../../src/report/inert'
import { longTimeout, MAX_TIMER_MS, sleepLong } from '../../src/util/timers'
import { runnerView } from '../support/commands'

describe('CommandFence', () => {
  const sink = (): PassThrough & { text: () => string } => {
    const s = new PassThrough() as PassThrough & { text: () => string }
    let all = ''
    s.on('data', (c: Buffer) => (all += c.toString()))
    s.text = () => all
    return s
  }

  it('ends a remote line left open on either stream before the resume token', async () => {
    const out = sink()
    const err = sink()
    const fence = new CommandFence(true)
    const write = (l: string): void => void out.write(l)
    const remoteOut = fence.stream(out)
    const remoteErr = fence.stream(err)
    fence.open(write)
    remoteOut.write('line\nno newline')
    remoteErr.write('::error::from remote stderr')
    await fence.close(write)
    write('::error::from offload\n')
    const view = runnerView(out.text())
    expect(view.commands.map(c => [c.name, c.message])).toEqual([
      ['stop-commands', expect.stringMatching(/^offload-/)],
      ['error', 'from offload']
    ])
    expect(view.lines[view.commands[1].at - 1]).toBe(`::${view.commands[0].message}::`)
    expect(view.lines).toContain('no newline')
    expect(err.text()).toBe('::error::from remote stderr\n')
  })

  it('adds nothing when the output already ends a line, or when disabled', async () => {
    const out = sink()
    const fence = new CommandFence(false)
    const s = fence.stream(out)
    s.write('done\n')
    await fence.close(l => void out.write(l))
    expect(out.text()).toBe('done\n')
    const open = sink()
    const off = new CommandFence(false)
    off.stream(open).write('partial')
    await off.close(l => void open.write(l))
    expect(open.text()).toBe('partial\n')
  })
})

describe('inert(): provider text is never a workflow command', () => {
  it.each([
    ['::error::pwned', ':\\:error::pwned'],
    ['  ::set-output name=x::y', '  :\\:set-output name=x::y'],
    ['ok\n::error::pwned\r\n##[error]legacy', 'ok\\n::error::pwned\\r\\n##\\[error]legacy'],
    ['esc \u001b[31mred\u0007', 'esc \\u001b[31mred\\u0007'],
    ['plain status, running', 'plain status, running']
  ])('%j', (text, expected) => {
    const out = inert(text)
    expect(out).toBe(expected)
    expect(runnerView(out).commands).toEqual([])
    expect(out.split('\n')).toHaveLength(1)
  })
})

describe('long timers', () => {
  afterEach(() => jest.useRealTimers())

  it('longTimeout fires after 25 days, not at once (setTimeout overflows past 2^31-1 ms)', () => {
    jest.useFakeTimers()
    const fn = jest.fn()
    longTimeout(fn, 25 * 86_400_000)
    jest.advanceTimersByTime(MAX_TIMER_MS + 10)
    expect(fn).not.toHaveBeenCalled()
    jest.advanceTimersByTime(25 * 86_400_000 - MAX_TIMER_MS - 20)
    expect(fn).not.toHaveBeenCalled()
    jest.advanceTimersByTime(20)
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('clear() stops a chained timer; sleepLong rejects on abort', async () => {
    jest.useFakeTimers()
    const fn = jest.fn()
    const t = longTimeout(fn, 26 * 86_400_000)
    jest.advanceTimersByTime(MAX_TIMER_MS + 10)
    t.clear()
    jest.advanceTimersByTime(26 * 86_400_000)
    expect(fn).not.toHaveBeenCalled()
    const ac = new AbortController()
    const slept = sleepLong(26 * 86_400_000, ac.signal)
    ac.abort(new Error('stop'))
    await expect(slept).rejects.toThrow('stop')
  })
})

describe('Nomad task events in error text', () => {
  it('a hostile event message stays one inert line', async () => {
    const { describeAlloc } = await import('../../src/providers/nomad/ready')
    const text = describeAlloc(
      {
        ID: 'a1b2c3d4-0000',
        JobID: 'j',
        TaskGroup: 'g',
        DesiredStatus: 'run',
        ClientStatus: 'failed',
        ClientDescription: '::warning::desc',
        CreateIndex: 1,
        ModifyIndex: 2,
        TaskStates: { t: { State: 'dead', Failed: true, Events: [{ Type: 'Driver Failure', DisplayMessage: 'boom\n::error::pwned\n::set-output name=x::y' }] } }
      },
      't'
    )
    expect(text).toBe(
      'allocation a1b2c3d4 client=failed desired=run task=dead, last event Driver Failure: boom\\n::error::pwned\\n::set-output name=x::y (:\\:warning::desc)'
    )
    expect(runnerView(text).commands).toEqual([])
  })
})
