import { createHmac, sign, verify, type KeyLike } from 'node:crypto'

/**
 * The two JWT forms Vonage uses, written on node:crypto so the simulator needs no JWT library:
 * HS256 with the signature secret (callbacks Vonage sends) and RS256 with the application key
 * (requests the app sends). Compatible with `jsonwebtoken`, which `@vonage/jwt` uses.
 */
export type JwtClaims = Record<string, unknown>

export interface DecodedJwt {
  header: JwtClaims
  claims: JwtClaims
  signingInput: string
  signature: Buffer
}

const encodePart = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

export function signHs256(claims: JwtClaims, secret: string): string {
  const signingInput = `${encodePart({ alg: 'HS256', typ: 'JWT' })}.${encodePart(claims)}`
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`
}

export function signRs256(claims: JwtClaims, privateKey: KeyLike): string {
  const signingInput = `${encodePart({ alg: 'RS256', typ: 'JWT' })}.${encodePart(claims)}`
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`
}

/** Splits and parses a compact JWT without checking anything; null when it is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const [header, claims, signature] = parts as [string, string, string]
  const parse = (part: string): JwtClaims | null => {
    try {
      const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JwtClaims) : null
    } catch {
      return null
    }
  }
  const parsedHeader = parse(header)
  const parsedClaims = parse(claims)
  if (!parsedHeader || !parsedClaims) return null
  return { header: parsedHeader, claims: parsedClaims, signingInput: `${header}.${claims}`, signature: Buffer.from(signature, 'base64url') }
}

/**
 * The claims of an RS256 token whose signature the public key accepts; null otherwise. The
 * algorithm is taken from the key, never from the token, so `alg: none` or an HS256 token
 * "signed" with the public key text cannot pass.
 */
export function verifyRs256(token: string, publicKey: KeyLike): JwtClaims | null {
  const decoded = decodeJwt(token)
  if (!decoded || decoded.header.alg !== 'RS256') return null
  try {
    return verify('sha256', Buffer.from(decoded.signingInput), publicKey, decoded.signature) ? decoded.claims : null
  } catch {
    return null
  }
}
