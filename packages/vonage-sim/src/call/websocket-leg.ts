import { setTimeout as sleep } from 'node:timers/promises'
import wavefile from 'wavefile'
import WebSocket from 'ws'
import { CALLER_SAMPLE_RATE } from '../caller/caller-audio'
import type { WebSocketEndpoint } from '../ncco/actions'
import { frameClock } from './frame-clock'

/** Vonage sends one binary message per 20 ms of audio. */
export const FRAME_MS = 20

export interface StreamLegOptions {
  endpoint: WebSocketEndpoint
  /** The caller's audio, 16 kHz mono. */
  pcm: Int16Array
  /** Real time (one frame per 20 ms) or as fast as the socket takes them. */
  realtime: boolean
  /** The connect action's `limit`, in ms. */
  limitMs: number
  /** Aborted when the caller hangs up. */
  signal: AbortSignal
  handshakeTimeoutMs?: number
}

export interface StreamLegResult {
  /** Every byte sent in binary messages, in order, the zero padding of the last frame included. */
  bytes: Buffer
  frames: number
  frameBytes: number
  endedBy: 'audio-end' | 'limit' | 'hangup' | 'app-closed' | 'failed'
  /** Why the socket could not be opened or broke. */
  error?: string
  /** The close code the socket ended with. */
  closeCode?: number
  /** Binary bytes the app sent back (Vonage would play them to the caller). */
  bytesFromApp: number
  /** Audio time covered by the frames sent. */
  audioMs: number
  /** Real time: the most any frame left after its due time (the sender's own pacing). */
  maxLateMs: number
  /** Real time: the most bytes ever queued unsent on the socket (the app not keeping up). */
  maxBacklogBytes: number
}

/** 16-bit signed little-endian PCM at the endpoint's rate, cut into 20 ms frames, the last one padded with zeros. */
export function pcmFrames(pcm: Int16Array, sampleRate: number): Buffer[] {
  const samples = sampleRate === CALLER_SAMPLE_RATE ? pcm : resample(pcm, sampleRate)
  const frameBytes = (sampleRate / 1000) * FRAME_MS * 2
  const bytes = Buffer.alloc(Math.ceil((samples.length * 2) / frameBytes) * frameBytes)
  for (let i = 0; i < samples.length; i++) bytes.writeInt16LE(samples[i]!, i * 2)
  const frames: Buffer[] = []
  for (let offset = 0; offset < bytes.length; offset += frameBytes) frames.push(bytes.subarray(offset, offset + frameBytes))
  return frames
}

function resample(pcm: Int16Array, sampleRate: number): Int16Array {
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, CALLER_SAMPLE_RATE, '16', pcm)
  wav.toSampleRate(sampleRate)
  return wav.getSamples(false, Int16Array) as unknown as Int16Array
}

/**
 * The WebSocket leg of a `connect` action, Vonage being the client: opens `uri`, sends the
 * `websocket:connected` text message with the endpoint headers flattened in, then the audio as
 * binary frames. In real time each frame's due time is computed from the start, so timer lateness
 * never adds up. Closes normally (1000) when the audio or `limit` runs out or the caller hangs up.
 */
export async function runWebSocketLeg(options: StreamLegOptions): Promise<StreamLegResult> {
  const { endpoint, signal } = options
  const frameBytes = (endpoint.sampleRate / 1000) * FRAME_MS * 2
  const result: StreamLegResult = { bytes: Buffer.alloc(0), frames: 0, frameBytes, endedBy: 'audio-end', bytesFromApp: 0, audioMs: 0, maxLateMs: 0, maxBacklogBytes: 0 }
  let socket: WebSocket
  try {
    socket = await open(endpoint.uri, options.handshakeTimeoutMs ?? 5000, signal)
  } catch (error) {
    return { ...result, endedBy: signal.aborted ? 'hangup' : 'failed', error: (error as Error).message }
  }
  let closing = false
  let closedByApp = false
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
  socket.once('close', () => (closedByApp = !closing))
  socket.on('error', (error) => (result.error ??= error.message))
  socket.on('message', (data, isBinary) => {
    if (isBinary) result.bytesFromApp += Array.isArray(data) ? data.reduce((n, part) => n + part.length, 0) : data.byteLength
  })

  const allFrames = pcmFrames(options.pcm, endpoint.sampleRate)
  const frames = allFrames.slice(0, Math.floor(options.limitMs / FRAME_MS))
  const sent: Buffer[] = []
  const send = (data: string | Buffer): Promise<void> =>
    new Promise((resolve) => socket.send(data, { binary: typeof data !== 'string' }, () => resolve()))
  const start = performance.now()
  try {
    await send(JSON.stringify({ event: 'websocket:connected', 'content-type': endpoint.contentType, ...endpoint.headers }))
    for (const [index, frame] of frames.entries()) {
      if (options.realtime) {
        await frameClock.until(start + index * FRAME_MS, signal)
      } else {
        signal.throwIfAborted()
      }
      if (socket.readyState !== WebSocket.OPEN) break
      // Fast mode waits for each write so a slow reader still sees every frame, in order.
      if (options.realtime) {
        result.maxLateMs = Math.max(result.maxLateMs, performance.now() - (start + index * FRAME_MS))
        result.maxBacklogBytes = Math.max(result.maxBacklogBytes, socket.bufferedAmount)
        socket.send(frame, { binary: true })
      } else await send(frame)
      sent.push(frame)
    }
    // The last frame is 20 ms of sound: the call goes on until it has played.
    if (options.realtime && sent.length > 0) {
      const delay = start + sent.length * FRAME_MS - performance.now()
      if (delay > 0) await sleep(delay, undefined, { signal })
    }
  } catch (error) {
    if (!signal.aborted) throw error
    result.endedBy = 'hangup'
  }
  if (result.endedBy !== 'hangup') {
    if (closedByApp || socket.readyState !== WebSocket.OPEN) result.endedBy = 'app-closed'
    else if (sent.length < allFrames.length) result.endedBy = 'limit'
  }
  closing = true
  if (socket.readyState === WebSocket.OPEN) socket.close(1000)
  const timer = setTimeout(() => socket.terminate(), 2000)
  result.closeCode = await closed
  clearTimeout(timer)
  return { ...result, bytes: Buffer.concat(sent), frames: sent.length, audioMs: sent.length * FRAME_MS }
}

function open(uri: string, handshakeTimeoutMs: number, signal: AbortSignal): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(uri, {
      handshakeTimeout: handshakeTimeoutMs,
      perMessageDeflate: false,
      // An all-zero mask lets ws skip masking on the sending side: with hundreds of simulated calls
      // the simulator must not be what falls behind. (The app still unmasks every frame as usual.)
      generateMask: (mask: Buffer) => mask.fill(0)
    })
    const onAbort = (): void => {
      socket.terminate()
      reject(new Error('the caller hung up'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    socket.once('open', () => {
      signal.removeEventListener('abort', onAbort)
      resolve(socket)
    })
    socket.once('unexpected-response', (_request, response) => {
      signal.removeEventListener('abort', onAbort)
      socket.terminate()
      reject(new Error(`the app answered the WebSocket handshake with HTTP ${response.statusCode}`))
    })
    // `on`, not `once`: a socket that failed may report more errors, and an unheard one would throw.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort)
      reject(new Error(error.code ? `WebSocket ${error.code}` : error.message))
    })
  })
}
