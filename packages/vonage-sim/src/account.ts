import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'

/**
 * The credentials of one simulated Vonage account and application. The app is configured with
 * `applicationId`, `privateKey` (VONAGE_PRIVATE_KEY) and `signatureSecret`; the simulator keeps
 * `publicKey` to check download tokens, as Vonage keeps only the public half.
 */
export interface SimAccount {
  applicationId: string
  /** PKCS#8 PEM, the form Vonage's dashboard hands out. */
  privateKey: string
  /** SPKI PEM, what the Applications API shows as `keys.public_key`. */
  publicKey: string
  signatureSecret: string
  apiKey: string
  apiSecret: string
}

/** A fresh account; any field given is kept (a private key given also fixes the public key). */
export function createSimAccount(fixed: Partial<Omit<SimAccount, 'publicKey'>> = {}): SimAccount {
  const keys = fixed.privateKey ? { privateKey: fixed.privateKey, publicKey: publicKeyOf(fixed.privateKey) } : generateKeys()
  return {
    applicationId: fixed.applicationId ?? randomUUID(),
    ...keys,
    // Vonage's secrets are long random strings; these are the same shape, not the same alphabet.
    signatureSecret: fixed.signatureSecret ?? randomBytes(32).toString('base64url'),
    apiKey: fixed.apiKey ?? randomBytes(4).toString('hex'),
    apiSecret: fixed.apiSecret ?? randomBytes(12).toString('base64url')
  }
}

function generateKeys(): { privateKey: string; publicKey: string } {
  // 2048 bits: jsonwebtoken (inside @vonage/jwt) refuses shorter RSA keys for RS256.
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' }
  })
}

function publicKeyOf(privateKey: string): string {
  try {
    return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()
  } catch {
    throw new Error('The private key is not a PEM RSA private key.')
  }
}
