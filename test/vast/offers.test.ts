import type { RemoteShell } from '../../src/remote/shell'
import { vastProvider } from '../../src/providers/vast'
import { readLeaseData } from '../../src/providers/vast/lease-data'
import { offerQuery, selectOffers } from '../../src/providers/vast/offers'
import type { VastOffer } from '../../src/providers/vast/client'
import type { VastSettings } from '../../src/providers/vast/settings'
import { startVastFake, type VastFake, type VastFakeOptions } from '../support/vast'
import { acquireContext, captureOutput, settingsFor, vastSettings, type TestContext } from '../support/vast/context'

/** Offer search and selection for the spend and GPU-choice inputs, against the fake Vast API. */
let out: ReturnType<typeof captureOutput>
let fake: VastFake | undefined
let shell: RemoteShell | undefined

beforeAll(() => {
  out = captureOutput()
})
afterAll(() => out.restore())

afterEach(async () => {
  await shell?.close()
  shell = undefined
  if (fake) {
    const live = fake.liveInstances().map(i => i.id)
    await fake.close()
    fake = undefined
    expect(live).toEqual([])
  }
})

async function setup(opts: VastFakeOptions, over: Partial<VastSettings> = {}): Promise<TestContext> {
  fake = await startVastFake(opts)
  return acquireContext(settingsFor(vastSettings(fake, { gpuNames: [], ...over })))
}

async function acquireThenRelease(t: TestContext): Promise<void> {
  shell = await vastProvider.acquire(t.ctx)
  await shell.close()
  shell = undefined
  const res = await vastProvider.release(t.release())
  expect(res.verified).toBe(true)
}

const creates = (f: VastFake): number[] =>
  f.requests.filter(r => r.method === 'PUT' && r.path.startsWith('/api/v0/asks/')).map(r => Number(r.path.split('/')[4]))

test('vast-gpu-ram 24 asks for gpu_ram >= 24000 MB (vast-cli converts GB x 1000), and a 24 GB card (24564 MB) matches', async () => {
  const t = await setup({ offers: [{ gpu_ram: 12288 }, { gpu_ram: 24564 }] }, { gpuRamGb: 24 })
  await acquireThenRelease(t)
  expect(fake!.searches[0].gpu_ram).toEqual({ gte: 24000 })
  expect(fake!.allInstances().map(i => i.offerId)).toEqual([5001])
})

test('vast-cuda and vast-region go into the query as cuda_max_good and geolocation', async () => {
  const t = await setup(
    {
      offers: [
        { cuda_max_good: 12.8, geolocation: 'JP' },
        { cuda_max_good: 11.8, geolocation: 'DE' },
        { cuda_max_good: 12.4, geolocation: 'DE' }
      ]
    },
    { minCuda: 12.1, regions: ['DE', 'FR'], regionText: 'DE, FR' }
  )
  await acquireThenRelease(t)
  expect(fake!.searches[0]).toMatchObject({ cuda_max_good: { gte: 12.1 }, geolocation: { in: ['DE', 'FR'] } })
  expect(fake!.allInstances().map(i => i.offerId)).toEqual([5002])
})

test('the client checks the region too, reading "State, CC" geolocations', () => {
  const vs = vastSettings({ apiKey: 'k', url: 'http://127.0.0.1:1' } as VastFake, { gpuNames: [], regions: ['US'], regionText: 'US' })
  const offer = (id: number, geolocation: string): VastOffer => ({ id, dphTotal: 0.3, geolocation, raw: { geolocation } })
  const sel = selectOffers([offer(1, 'California, US'), offer(2, 'Quebec, CA'), offer(3, 'US')], vs, 'on-demand')
  expect(sel.offers.map(p => p.offer.id)).toEqual([1, 3])
  expect(sel.summary).toBe('Vast offer search (on-demand): 3 returned; vast-region removed 1; 2 left')
})

test('vast-max-cost skips an offer that would spend the cap within vast-ready-timeout, and logs the time budget', async () => {
  // readyTimeout 1 h, cap $0.40: the $0.30/h offer fits (budget 1h20m), the $0.50/h one cannot.
  const t = await setup({ offers: [{ dph_total: 0.5 }, { dph_total: 0.3 }] }, { maxCostUsd: 0.4, readyTimeoutMs: 3_600_000, order: [['dph_total', 'desc']] })
  await acquireThenRelease(t)
  expect(creates(fake!)).toEqual([5001])
  expect(out.text()).toContain('Vast offer search (on-demand): 2 returned; vast-max-cost removed 1; 1 left')
  expect(out.text()).toMatch(/vast-max-cost \$0\.4 at ~\$0\.3\/h: this instance may run 80m 0s from create/)
  // remote-ttl's self-destroy deadline is capped by the budget: 80 minutes from create plus the 30 s
  // grace that lets the runner's own cost-cap stop come first, not the lease's 3 h.
  const deadline = Number(/d=(\d+);/.exec(String(fake!.allInstances()[0].createBody.onstart))?.[1])
  expect(deadline * 1000).toBeLessThanOrEqual(Date.now() + 80 * 60_000 + 30_000)
  expect(deadline * 1000).toBeGreaterThan(Date.now() + 80 * 60_000)
})

test('no offer left: the error counts, on a broader search, how many offers each input removes', async () => {
  const t = await setup(
    {
      offers: [
        { dph_total: 0.5, gpu_ram: 12288 },
        { dph_total: 0.6, gpu_ram: 24564 },
        { dph_total: 2, gpu_ram: 81920 }
      ]
    },
    { maxCostUsd: 0.1, readyTimeoutMs: 3_600_000, gpuRamGb: 40 }
  )
  const err = await vastProvider.acquire(t.ctx).catch((e: Error) => e)
  expect(err).toBeInstanceOf(Error)
  const msg = (err as Error).message
  expect(msg).toMatch(/No Vast offer matches/)
  // The broader search saw all three: vast-max-cost removes all, vast-gpu-ram two, vast-max-price one.
  expect(msg).toMatch(/of the 3 offers a broader search returned .*vast-max-cost removes 3, vast-gpu-ram removes 2, vast-max-price removes 1/)
  expect(msg).toContain('Nothing was rented')
  expect(fake!.searches).toHaveLength(2)
  expect(fake!.searches[1]).not.toHaveProperty('gpu_ram')
  expect(creates(fake!)).toEqual([])
  const res = await vastProvider.release(t.release())
  expect(res.verified).toBe(true)
})

test('vast-interruptible searches bid offers and creates with price = min_bid x vast-bid-margin', async () => {
  const t = await setup({ offers: [{ dph_total: 0.5, min_bid: 0.2 }] }, { interruptible: true, bidMargin: 1.25 })
  shell = await vastProvider.acquire(t.ctx)
  expect(fake!.searches[0].type).toBe('bid')
  const inst = fake!.allInstances()[0]
  expect(inst.createBody.price).toBe(0.25)
  expect(inst.bid).toBe(true)
  const rec = readLeaseData(t.lease).vastInstances![String(inst.id)]
  expect(rec).toMatchObject({ kind: 'bid', bidPrice: 0.25, dphTotal: 0.25 })
  await shell.close()
  shell = undefined
  expect((await vastProvider.release(t.release())).verified).toBe(true)
})

test('a bid over vast-max-price is not placed; on-demand rentals never send price', () => {
  const vs = vastSettings({ apiKey: 'k', url: 'http://127.0.0.1:1' } as VastFake, { gpuNames: [], interruptible: true, bidMargin: 2, maxPricePerHour: 0.5 })
  const offer = (id: number, minBid: number): VastOffer => ({ id, dphTotal: minBid, minBid, raw: {} })
  const sel = selectOffers([offer(1, 0.2), offer(2, 0.3), { id: 3, dphTotal: 0.1, raw: {} }], vs, 'bid')
  expect(sel.offers.map(p => [p.offer.id, p.bidPrice])).toEqual([[1, 0.4]])
  expect(sel.summary).toBe('Vast offer search (bid): 3 returned; vast-max-price removed 1, no min_bid (vast-interruptible) removed 1; 1 left')
  expect(offerQuery(vs, 'on-demand').type).toBe('on-demand')
  expect(offerQuery(vs).type).toBe('bid')
})
