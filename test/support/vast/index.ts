export { startVastFake } from './fake'
export type { FakeInstance, FakeOffer, OfferBehaviour, RequestRecord, VastFake, VastFakeOptions } from './fake'
