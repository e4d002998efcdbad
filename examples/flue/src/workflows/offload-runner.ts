/**
 * `flue run workflow:offload-runner --target node --input '{"requestFile":"/abs/request.json"}'`
 *
 * Offload protocol v1 (see ../../README.md). The agent is required by defineWorkflow but never
 * prompted, so no model provider or API key is needed; the command runs through
 * node:child_process on this host (target node), not through harness.shell.
 */
import { defineAgent, defineWorkflow } from '@flue/runtime';
import * as v from 'valibot';
import { runRequest } from '../offload/runner';

const agent = defineAgent(() => ({ model: 'anthropic/claude-haiku-4-5' }));

export default defineWorkflow({
  agent,
  input: v.object({ requestFile: v.pipe(v.string(), v.minLength(1, 'requestFile must not be empty')) }),
  async run({ input }) {
    return { ...(await runRequest(input)) };
  },
});
