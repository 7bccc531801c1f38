import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** Vonage signs each callback at send time; anything older than this is a replay or a stuck queue. */
export const MAX_SIGNATURE_AGE_SECONDS = 5 * 60
/** Clocks differ a little; a token from slightly in the future is still the real one. */
const CLOCK_SKEW_SECONDS = 30

export type SignatureCheck = { ok: true } | { ok: false; reason: string }

export interface SignedRequest {
  /** The Authorization header as received. */
  authorization: string | undefined
  /** The exact body bytes received (empty for a GET). */
  rawBody: Uint8Array
  method: string
}

/**
 * Checks a Vonage signed webhook: an HS256 JWT made with the account's signature secret, its
 * body binding (`payload_hash`) and its freshness (`iat`). A GET answer webhook has no body;
 * how Vonage forms the hash then is unconfirmed, so a missing hash is accepted on GET only.
 *
 * The HMAC is checked here rather than with @vonage/jwt's `verifySignature`: that goes through
 * jsonwebtoken, which first tries to parse the secret as a public key and throws, costing about
 * a millisecond per webhook — enough to push a burst of 100 acknowledgements past 100 ms.
 */
export function checkSignature(request: SignedRequest, secret: string, nowSeconds = Date.now() / 1000): SignatureCheck {
  const token = /^Bearer (\S+)$/.exec(request.authorization ?? '')?.[1]
  if (!token) return { ok: false, reason: 'missing signature' }
  if (!headerIsHs256(token) || !hasValidHmac(token, secret)) return { ok: false, reason: 'bad signature' }
  const claims = decodeClaims(token)
  if (!claims) return { ok: false, reason: 'unreadable signature claims' }
  if (typeof claims.iat !== 'number') return { ok: false, reason: 'signature without iat' }
  if (claims.iat < nowSeconds - MAX_SIGNATURE_AGE_SECONDS) return { ok: false, reason: 'stale signature' }
  if (claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'signature from the future' }
  const hash = claims.payload_hash
  if (hash === undefined && request.method === 'GET' && request.rawBody.byteLength === 0) return { ok: true }
  if (typeof hash !== 'string') return { ok: false, reason: 'signature without payload_hash' }
  const expected = createHash('sha256').update(request.rawBody).digest('hex')
  if (hash.length !== expected.length || !timingSafeEqual(Buffer.from(hash.toLowerCase()), Buffer.from(expected))) {
    return { ok: false, reason: 'payload_hash does not match the body' }
  }
  return { ok: true }
}

function hasValidHmac(token: string, secret: string): boolean {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[2]) return false
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest()
  const given = Buffer.from(parts[2], 'base64url')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** A webhook signature is HS256 only: `none`, RS256 and the rest are refused before anything else. */
function headerIsHs256(token: string): boolean {
  const header = decodePart(token.split('.')[0])
  return header?.alg === 'HS256'
}

function decodeClaims(token: string): Record<string, unknown> | null {
  return decodePart(token.split('.')[1])
}

function decodePart(part: string | undefined): Record<string, unknown> | null {
  if (!part) return null
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}
