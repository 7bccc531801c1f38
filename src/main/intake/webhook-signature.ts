import { createHash, timingSafeEqual } from 'node:crypto'
import { verifySignature } from '@vonage/jwt'

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
 * Checks a Vonage signed webhook: an HS256 JWT made with the account's signature secret.
 * `verifySignature` from @vonage/jwt checks only the signature, so the body binding
 * (`payload_hash`) and freshness (`iat`) are checked here. A GET answer webhook has no body;
 * how Vonage forms the hash then is unconfirmed, so a missing hash is accepted on GET only.
 */
export function checkSignature(request: SignedRequest, secret: string, nowSeconds = Date.now() / 1000): SignatureCheck {
  const token = /^Bearer (\S+)$/.exec(request.authorization ?? '')?.[1]
  if (!token) return { ok: false, reason: 'missing signature' }
  if (!headerIsHs256(token) || !verifySignature(token, secret)) return { ok: false, reason: 'bad signature' }
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

/** @vonage/jwt also accepts RS256; a webhook signature is HS256 only, so anything else is refused first. */
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
