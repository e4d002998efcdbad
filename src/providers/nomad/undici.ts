/**
 * The npm undici, loaded on first need: a Nomad agent behind custom TLS (nomad-ca-cert, client
 * certificates, nomad-tls-server-name, skip-verify) or a unix socket, and the exec WebSocket,
 * whose own dispatcher hands out the socket (receive backpressure) and a refused upgrade's answer.
 * Everything else goes through Node's global fetch, which is the undici bundled in Node and costs
 * a third of loading this copy: the first Nomad request of a run is sent before it (bench/: cold
 * start). Its own chunk (tsconfig.json keeps `import()`).
 */
export type Undici = typeof import('undici')

let loading: Promise<Undici> | undefined

export function loadUndici(): Promise<Undici> {
  return (loading ??= import('undici'))
}
