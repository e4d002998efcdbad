/**
 * Imported first by a bench script that loads ssh2 from node_modules: hides ssh2's optional native
 * binding, which dist/ never ships (scripts/build.sh), so ssh2 runs on its fallback ciphers as the
 * action does. STAGES_BINDING=1 keeps the binding.
 */
import Module from 'node:module'

if (process.env.STAGES_BINDING !== '1') {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown }
  const load = loader._load
  loader._load = (request, ...rest) => {
    if (request.endsWith('sshcrypto.node')) throw new Error('no native binding, as in dist/')
    return load(request, ...rest)
  }
}
