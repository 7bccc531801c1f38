import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { SimAccount } from '../account'
import type { SigningMode } from '../faults'
import { authorizationFor } from './callback-signing'

/** Replies are read up to this size: an NCCO is small, anything bigger is a mistake. */
const MAX_REPLY_BYTES = 1024 * 1024

export type CallbackKind = 'answer' | 'event' | 'recording' | 'transcription' | 'input' | 'error'

/** One callback the simulator sent, and how the app answered it. */
export interface SentCallback {
  kind: CallbackKind
  method: 'GET' | 'POST'
  url: string
  /** The exact body sent (POST), or undefined (GET: the fields went in the query). */
  body: string | undefined
  /** The parsed payload, whatever the method. */
  payload: Record<string, unknown>
  attempt: number
  /** Date.now() as the request went out (an app's reaction time is measured from it). */
  sentAt: number
  /** HTTP status of the reply; absent when no reply came. */
  status?: number
  /** Why no reply came (refused, timed out, …). */
  error?: string
}

export interface Reply {
  status: number
  contentType: string
  text: string
}

export interface DeliveryOptions {
  account: SimAccount
  signing: SigningMode
  connectTimeoutMs: number
  readTimeoutMs: number
}

/**
 * Sends one signed callback: POST with the payload as JSON, or GET with it as query parameters
 * (no body, so no `payload_hash`). Resolves with the reply, rejects when none came in time.
 */
export function sendCallback(method: 'GET' | 'POST', url: string, payload: Record<string, unknown>, options: DeliveryOptions): { body: string | undefined; reply: Promise<Reply> } {
  const target = new URL(url)
  let body: string | undefined
  if (method === 'GET') {
    for (const [key, value] of Object.entries(payload)) {
      if (value !== undefined && value !== null) target.searchParams.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value))
    }
  } else {
    body = JSON.stringify(payload)
  }
  const headers: Record<string, string> = { 'user-agent': 'Vonage-Voice-Simulator/1.0', accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const authorization = authorizationFor(options.signing, options.account, body)
  if (authorization) headers.authorization = authorization
  return { body, reply: exchange(target, method, headers, body, options) }
}

function exchange(url: URL, method: string, headers: Record<string, string>, body: string | undefined, options: DeliveryOptions): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : null
    if (!send) return reject(new Error(`unsupported URL scheme ${url.protocol}`))
    let settled = false
    const timers: NodeJS.Timeout[] = []
    const finish = (error: Error | null, reply?: Reply): void => {
      if (settled) return
      settled = true
      timers.forEach(clearTimeout)
      if (error) {
        request.destroy()
        reject(error)
      } else resolve(reply!)
    }
    // A fresh connection per callback (no keep-alive), so the connect timeout means what it says.
    const request = send(url, { method, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, agent: false })
    timers.push(setTimeout(() => finish(new Error(`no connection within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs))
    request.once('socket', (socket) => {
      const connected = (): void => {
        clearTimeout(timers[0])
        timers.push(setTimeout(() => finish(new Error(`no reply within ${options.readTimeoutMs} ms`)), options.readTimeoutMs))
      }
      if (socket.connecting) socket.once('connect', connected)
      else connected()
    })
    request.once('error', (error: NodeJS.ErrnoException) => finish(new Error(error.code ?? error.message)))
    request.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_REPLY_BYTES) return finish(new Error('reply larger than 1 MiB'))
        chunks.push(chunk)
      })
      response.once('end', () =>
        finish(null, { status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') })
      )
      response.once('error', (error) => finish(error))
    })
    request.end(body)
  })
}
