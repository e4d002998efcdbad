/**
 * The npm undici, loaded on first need: the API calls to a Nomad agent behind custom TLS
 * (nomad-ca-cert, client certificates, nomad-tls-server-name, skip-verify) or a unix socket. The
 * exec WebSocket does not need it (websocket.ts). Everything else goes through node:http (src/util/http.ts: loading any undici, this copy or the
 * one inside Node's fetch, costs tens of ms and MiB at start-up), so the first Nomad request of a
 * run is sent before this loads (bench/: cold start). Its own chunk (tsconfig.json keeps `import()`).
 */
export type Undici = typeof import('undici')

let loading: Promise<Undici> | undefined

export function loadUndici(): Promise<Undici> {
  return (loading ??= import('undici'))
}
