import * as core from '@actions/core'
import { run } from './main'
import { errorMessage } from './util/errors'
import { redact } from './util/redact'

// Exit explicitly: an SSH keepalive or a socket still draining must not hold the step open.
void run()
  .catch(err => core.setFailed(`Offload failed unexpectedly: ${redact(errorMessage(err))}`))
  .finally(() => process.exit())
