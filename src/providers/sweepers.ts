import { nomadSweepSpec } from './nomad/sweep-spec'
import { vastSweepSpec } from './vast/sweep-spec'

/**
 * The providers whose remotes can outlive a runner (a Flue run lives on the runner itself), as the
 * sweep sub-action reaches them: adding one is its sweep-spec.ts and one entry here. A list of its
 * own, apart from src/providers/index.ts, so the sweep bundle carries no main-action provider code.
 */
export const SWEEPERS = [nomadSweepSpec, vastSweepSpec] as const

export type SweptProvider = (typeof SWEEPERS)[number]['name']
