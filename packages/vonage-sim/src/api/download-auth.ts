import { verifyRs256 } from '../jwt'

/** Clocks differ a little; a token issued a few seconds "from the future" is still accepted. */
const CLOCK_SKEW_SECONDS = 30
/** Vonage's documented default lifetime when a token carries no `exp`. */
const DEFAULT_TTL_SECONDS = 15 * 60

export type DownloadAuth = { ok: true } | { ok: false; reason: string }

/**
 * Checks the `Authorization` of a file download the way Vonage does: an RS256 JWT signed with the
 * private key of the application that made the recording, carrying its `application_id`, an
 * `iat` and a `jti`, and within `nbf`/`exp`.
 */
export function checkDownloadAuth(authorization: string | undefined, applicationId: string, publicKey: string, nowSeconds = Date.now() / 1000): DownloadAuth {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
  if (!token) return { ok: false, reason: 'missing bearer token' }
  const claims = verifyRs256(token, publicKey)
  if (!claims) return { ok: false, reason: 'invalid token signature (expected RS256 with the application key)' }
  if (claims.application_id !== applicationId) return { ok: false, reason: 'token is for another application' }
  if (typeof claims.iat !== 'number') return { ok: false, reason: 'token without iat' }
  if (typeof claims.jti !== 'string' || claims.jti === '') return { ok: false, reason: 'token without jti' }
  if (claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'token issued in the future' }
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS)) {
    return { ok: false, reason: 'token not valid yet (nbf)' }
  }
  const exp = claims.exp === undefined ? claims.iat + DEFAULT_TTL_SECONDS : claims.exp
  if (typeof exp !== 'number' || exp <= nowSeconds) return { ok: false, reason: 'token expired' }
  return { ok: true }
}
