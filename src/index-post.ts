import * as core from '@actions/core'
import { run } from './post'
import { errorMessage } from './util/errors'
import { redact } from './util/redact'

void run()
  .catch(err => core.setFailed(`Offload post failed: ${redact(errorMessage(err))}`))
  .finally(() => process.exit())
