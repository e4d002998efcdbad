import * as core from '@actions/core'
import { run } from './sweep/run'
import { errorMessage } from './util/errors'
import { redact } from './util/redact'

void run()
  .catch(err => core.setFailed(`Offload sweep failed unexpectedly: ${redact(errorMessage(err))}`))
  .finally(() => process.exit())
