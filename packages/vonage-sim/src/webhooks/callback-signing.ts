import { createHash, randomUUID } from 'node:crypto'
import type { SimAccount } from '../account'
import type { SigningMode } from '../faults'
import { signHs256, type JwtClaims } from '../jwt'

export interface SignatureOverrides {
  /** Sign with this secret instead of the account's. */
  secret?: string
  /** `iat` in seconds (default now). */
  iat?: number
  /** Replaces the computed hash; null leaves the claim out. */
  payloadHash?: string | null
  /** Extra or replaced claims, applied last. */
  claims?: JwtClaims
}

/** SHA-256 hex of the exact bytes sent, as Vonage puts in `payload_hash`. */
export function payloadHash(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex')
}

/**
 * The `Authorization` header Vonage sends with a signed callback: HS256 with the signature
 * secret over `iat, jti, iss, payload_hash, api_key, application_id`. `body` is the raw body;
 * undefined (a GET) leaves `payload_hash` out.
 */
export function signCallback(account: SimAccount, body: string | undefined, overrides: SignatureOverrides = {}): string {
  const hash = overrides.payloadHash !== undefined ? overrides.payloadHash : body === undefined ? null : payloadHash(body)
  const claims: JwtClaims = {
    iat: overrides.iat ?? Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    iss: 'Vonage',
    ...(hash === null ? {} : { payload_hash: hash }),
    api_key: account.apiKey,
    application_id: account.applicationId,
    ...overrides.claims
  }
  return `Bearer ${signHs256(claims, overrides.secret ?? account.signatureSecret)}`
}

/** The header for a signing mode; undefined means send none. */
export function authorizationFor(mode: SigningMode, account: SimAccount, body: string | undefined): string | undefined {
  switch (mode) {
    case 'valid':
      return signCallback(account, body)
    case 'none':
      return undefined
    case 'wrong-secret':
      return signCallback(account, body, { secret: `${account.signatureSecret}-not` })
    case 'stale-iat':
      return signCallback(account, body, { iat: Math.floor(Date.now() / 1000) - 3600 })
    case 'bad-payload-hash':
      return signCallback(account, body, { payloadHash: payloadHash(`${body ?? ''} tampered`) })
  }
}
