import { createHmac, timingSafeEqual } from 'node:crypto'
import { loadSecretKey } from './secret-key-file'

/**
 * Per-call tokens for the stream socket's URI: an HMAC of the call uuid under a key that never
 * leaves this machine. Nobody can open a socket for a call without having been given its URI in
 * our NCCO, and no table of tokens is needed (they survive restarts between answer and connect).
 */
export class SocketTokens {
  private constructor(private readonly key: Buffer) {}

  static async load(file: string): Promise<SocketTokens> {
    return new SocketTokens(await loadSecretKey(file))
  }

  tokenFor(callUuid: string): string {
    return createHmac('sha256', this.key).update(callUuid).digest('base64url')
  }

  isValid(callUuid: string, token: string | null): boolean {
    if (!token) return false
    const expected = Buffer.from(this.tokenFor(callUuid))
    const given = Buffer.from(token)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }
}
