import { createHmac } from 'node:crypto'
import { loadSecretKey } from './secret-key-file'

/** Hex digits of a call id: 64 bits, so two calls of one journal never share one. */
const CALL_ID_LENGTH = 16

/**
 * Opaque ids that group the entries of one call (several recordings per call). An id is an HMAC
 * of Vonage's conversation uuid under a key kept only in this data directory: the same call always
 * gets the same id (a recording event redelivered, or queued before a restart), yet nobody holding
 * the journal can tell which conversation it was, nor match it with Vonage's or the call log's ids.
 */
export class CallIds {
  private constructor(private readonly key: Buffer) {}

  static async load(file: string): Promise<CallIds> {
    return new CallIds(await loadSecretKey(file))
  }

  of(conversationUuid: string): string {
    return createHmac('sha256', this.key).update(`call-id:${conversationUuid.toLowerCase()}`).digest('hex').slice(0, CALL_ID_LENGTH)
  }
}
