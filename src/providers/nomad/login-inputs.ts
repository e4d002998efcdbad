import type { InputReader } from '../../settings'
import { InputError } from '../../util/errors'
import type { NomadLoginSettings } from './settings'

/** Nomad's own rule for auth method names (nomad/structs/acl.go ValidACLAuthMethod). */
const AUTH_METHOD_NAME = /^[a-zA-Z0-9-]{1,128}$/

/**
 * nomad-auth-method and nomad-oidc-audience: log in with the job's GitHub OIDC token instead of a
 * stored nomad-token. The audience is required with the method: GitHub's default audience
 * (https://github.com/<owner>) is shared by every relying party that accepts it, so a token minted
 * for Nomad could be replayed elsewhere; the admin picks one for the auth method's BoundAudiences
 * and the workflow names the same one.
 */
export function readNomadLogin(input: InputReader): NomadLoginSettings | undefined {
  const authMethod = input('nomad-auth-method').trim()
  const audience = input('nomad-oidc-audience').trim()
  if (!authMethod) {
    if (audience)
      throw new InputError('nomad-oidc-audience', 'is set but nomad-auth-method is not; set nomad-auth-method to the JWT auth method to log in with')
    return undefined
  }
  if (input('nomad-token').trim()) {
    throw new InputError(
      'nomad-auth-method',
      "nomad-auth-method and nomad-token are both set; use one: nomad-auth-method logs in with the job's OIDC token and needs no stored token"
    )
  }
  if (!AUTH_METHOD_NAME.test(authMethod)) {
    throw new InputError('nomad-auth-method', `'${authMethod}' is not an auth method name; letters, digits and '-' (at most 128) are accepted`)
  }
  if (!audience) {
    throw new InputError(
      'nomad-oidc-audience',
      "is required with nomad-auth-method: the audience Offload asks GitHub to put in the ID token, one of the auth method's BoundAudiences"
    )
  }
  if (/\s/.test(audience)) throw new InputError('nomad-oidc-audience', `'${audience}' contains whitespace; give one audience`)
  return { authMethod, audience }
}
