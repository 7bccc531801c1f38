import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import type { Duplex } from 'node:stream'
import { join } from 'node:path'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { LiveCall } from '#shared/intake'
import type { AudioProbe } from '../journal/audio-probe'
import type { SocketTokens } from './socket-tokens'
import { repairWavFile, StreamingWavFile } from './streaming-wav-file'
import { TaskLimit } from './task-limit'

/** Vonage sends 20 ms of 16-bit mono PCM per message: 640 bytes at 16 kHz (what our NCCO asks for). */
export const SAMPLE_RATE = 16000
export const FRAME_BYTES = 640
const FRAME_MS = 20
/** Vonage call uuids: 32 hex digits, sometimes dashed. They name the entry file. */
const CALL_UUID = /^[0-9a-f]{32}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** If the first message does not come soon after the handshake, the socket is not a call. */
const CONNECTED_TIMEOUT_MS = 10_000
/**
 * A call whose audio waits in memory for the disk beyond this stops being read until its writes
 * catch up: TCP then slows the sender down, so a call pushed faster than real time (or a disk
 * that stalls) costs at most this plus one socket read (64 KiB) and one batch per call.
 */
export const QUEUE_LIMIT_BYTES = 48 * 1024
/**
 * Calls whose files are closed (last write, header, sync) at the same time. Hundreds can end
 * together; their syncs would fill Node's four I/O threads, which the journal then needs to take
 * the recordings in.
 */
const FILES_CLOSED_AT_ONCE = 2

/** A finished (or, after a crash, recovered) stream recording ready to become an entry. */
export interface StreamRecording {
  callUuid: string
  file: string
  startedAt: number
  partial: boolean
  /** Format and length when known from writing (or repairing) the file; otherwise it is probed. */
  audio?: AudioProbe
}

interface ActiveCall {
  callUuid: string
  startedAt: number
  socket: WebSocket
  /** Created when the websocket:connected message arrives; null before. */
  wav: StreamingWavFile | null
  liveFile: string
  ended: boolean
  /** Until the websocket:connected message arrives. */
  connectTimer: NodeJS.Timeout | null
  /** PCM bytes the call may hold: the time limit in force when its audio started (set then). */
  maxBytes: number
  /** Times reading stopped because the disk was behind, and the most audio that waited for it. */
  pauses: number
  maxQueuedBytes: number
}

/** How a call's audio went to disk, reported when the call ends. */
export interface StreamCallSummary {
  callUuid: string
  /** PCM bytes accepted. */
  bytes: number
  /** Times the socket stopped being read while the disk caught up. */
  pauses: number
  /** The most PCM that ever waited in memory for a disk write. */
  maxQueuedBytes: number
}

export interface StreamReceiverOptions {
  dir: string
  tokens: SocketTokens
  /** Longest call, in seconds of audio (as set when the call's audio starts). */
  maxSeconds: () => number
  /** Hands a complete file to the journal; the receiver deletes the file once this resolves. */
  deliver: (recording: StreamRecording) => Promise<void>
  /** Audio a call may hold waiting for the disk before its socket stops being read (default QUEUE_LIMIT_BYTES). */
  queueLimitBytes?: number
}

/**
 * The WebSocket audio leg (Vonage is the client). Each call's PCM goes straight to its own WAV
 * file on disk as it arrives, so memory does not grow with call length and many calls run side
 * by side; a call sent faster than its file is written is read only as fast as the disk takes
 * it (QUEUE_LIMIT_BYTES). Anything unexpected on one socket (no or wrong token, bad first
 * message, frames of the wrong size or kind, a call past the time limit) ends that call only.
 */
export class StreamReceiver extends EventEmitter<{ change: []; error: [Error]; ended: [StreamCallSummary] }> {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  private readonly calls = new Map<string, ActiveCall>()
  private readonly finishing = new Set<Promise<void>>()
  private readonly closing = new TaskLimit(FILES_CLOSED_AT_ONCE)

  constructor(private readonly options: StreamReceiverOptions) {
    super()
  }

  /** Recordings left by a crash or an unfinished hand-over become entries now (partial ones marked). */
  async boot(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true })
    for (const name of await readdir(this.options.dir)) {
      const match = /^(.+)\.(\d+)\.(live|done)\.wav$/.exec(name)
      if (!match) continue
      const [, callUuid = '', startedAt = '0', state] = match
      const file = join(this.options.dir, name)
      if (state === 'live') {
        const bytes = await repairWavFile(file, SAMPLE_RATE)
        if (bytes === 0) await rm(file, { force: true })
        else await this.hand({ callUuid, file, startedAt: Number(startedAt), partial: true, audio: wavAudio(bytes) })
        continue
      }
      await this.hand({ callUuid, file, startedAt: Number(startedAt), partial: false })
    }
  }

  liveCalls(): LiveCall[] {
    return [...this.calls.values()].map((call) => ({
      callId: call.callUuid,
      startedAt: call.startedAt,
      elapsedMs: call.wav ? Math.floor(call.wav.dataBytes / FRAME_BYTES) * FRAME_MS : 0
    }))
  }

  /** For the webhook server's `upgrade` event on /webhooks/socket. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost')
    const callUuid = url.searchParams.get('call') ?? ''
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (!CALL_UUID.test(callUuid) || !this.options.tokens.isValid(callUuid, url.searchParams.get('token'))) return refuse('401 Unauthorized')
    if (this.calls.has(callUuid)) return refuse('409 Conflict')
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, callUuid.toLowerCase()))
  }

  /** Ends every call (their audio so far is kept) and waits until each is handed over. */
  async shutdown(): Promise<void> {
    for (const call of this.calls.values()) this.end(call, 1001, 'server shutting down')
    await Promise.allSettled([...this.finishing])
    this.server.close()
  }

  private accept(socket: WebSocket, callUuid: string): void {
    const startedAt = Date.now()
    const call: ActiveCall = {
      callUuid,
      startedAt,
      socket,
      wav: null,
      liveFile: join(this.options.dir, `${callUuid}.${startedAt}.live.wav`),
      ended: false,
      connectTimer: null,
      maxBytes: 0,
      pauses: 0,
      maxQueuedBytes: 0
    }
    this.calls.set(callUuid, call)
    call.connectTimer = setTimeout(() => this.end(call, 1008, 'expected websocket:connected'), CONNECTED_TIMEOUT_MS)
    // Called fifty times a second per call: the per-frame path does as little as it can.
    socket.on('message', (data, isBinary) => this.onMessage(call, data, isBinary))
    socket.on('close', () => {
      if (call.connectTimer) clearTimeout(call.connectTimer)
      this.end(call, 1000, 'closed')
    })
    socket.on('error', () => this.end(call, 1011, 'socket error'))
    this.emit('change')
  }

  private onMessage(call: ActiveCall, data: RawData, isBinary: boolean): void {
    if (call.ended) return
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
    const wav = call.wav
    if (!wav) {
      if (isBinary || !isConnectedMessage(bytes)) return this.end(call, 1003, 'first message must be websocket:connected with audio/l16;rate=16000')
      if (call.connectTimer) clearTimeout(call.connectTimer)
      call.connectTimer = null
      call.maxBytes = this.options.maxSeconds() * SAMPLE_RATE * 2
      call.wav = new StreamingWavFile(call.liveFile, SAMPLE_RATE)
      return
    }
    if (!isBinary) {
      // DTMF and other notices arrive as JSON text; anything else is not Vonage.
      if (isJsonEvent(bytes)) return
      return this.end(call, 1003, 'unexpected text frame')
    }
    if (bytes.length !== FRAME_BYTES) return this.end(call, 1003, `audio frames must be ${FRAME_BYTES} bytes`)
    wav.append(bytes)
    if (wav.queuedBytes > call.maxQueuedBytes) call.maxQueuedBytes = wav.queuedBytes
    if (wav.dataBytes >= call.maxBytes) return this.end(call, 1000, 'time limit reached')
    if (wav.queuedBytes > this.queueLimit && !call.socket.isPaused) this.holdBack(call, wav)
  }

  private get queueLimit(): number {
    return this.options.queueLimitBytes ?? QUEUE_LIMIT_BYTES
  }

  /**
   * The disk is behind this call's sender: stop reading its socket until the writes catch up. The
   * rest of the socket read being parsed still arrives; nothing more does until `resume`.
   */
  private holdBack(call: ActiveCall, wav: StreamingWavFile): void {
    call.socket.pause()
    call.pauses++
    const caughtUp = async (): Promise<void> => {
      // Batches flushed after the pause (that rest of the read) are waited for too.
      while (wav.queuedBytes > this.queueLimit) await wav.drained()
    }
    caughtUp().then(
      () => {
        if (!call.ended) call.socket.resume()
      },
      (error: Error) => {
        this.emit('error', new Error(`call ${call.callUuid}: the recording could not be written`, { cause: error }))
        this.end(call, 1011, 'the recording could not be written')
      }
    )
  }

  private end(call: ActiveCall, code: number, reason: string): void {
    if (call.ended) return
    call.ended = true
    // The closing handshake needs the socket read again; frames still coming are ignored.
    if (call.socket.isPaused) call.socket.resume()
    if (call.socket.readyState === call.socket.OPEN) call.socket.close(code, reason)
    // A socket that never said websocket:connected has no file.
    if (call.wav) this.finish(call)
    else this.calls.delete(call.callUuid)
    this.emit('change')
  }

  private finish(call: ActiveCall): void {
    const work = (async () => {
      const wav = call.wav!
      let bytes: number
      try {
        bytes = await this.closing.run(() => wav.finish())
      } finally {
        // Not live any more, even when its file could not be finished (the next start repairs it).
        this.calls.delete(call.callUuid)
        this.emit('change')
      }
      this.emit('ended', { callUuid: call.callUuid, bytes, pauses: call.pauses, maxQueuedBytes: call.maxQueuedBytes })
      if (bytes === 0) return void (await rm(call.liveFile, { force: true }))
      // Renamed before the hand-over: after a crash from here on, the file is known complete.
      const done = call.liveFile.replace(/\.live\.wav$/, '.done.wav')
      await rename(call.liveFile, done)
      await this.hand({ callUuid: call.callUuid, file: done, startedAt: call.startedAt, partial: false, audio: wavAudio(bytes) })
    })().catch((error: Error) => {
      this.emit('error', error)
    })
    this.finishing.add(work)
    void work.finally(() => this.finishing.delete(work))
  }

  private async hand(recording: StreamRecording): Promise<void> {
    try {
      await this.options.deliver(recording)
      await rm(recording.file, { force: true })
    } catch (error) {
      // Kept on disk: the next start tries again.
      this.emit('error', error as Error)
    }
  }
}

/** What a probe would read from the header this receiver wrote: 16-bit mono at SAMPLE_RATE. */
function wavAudio(dataBytes: number): AudioProbe {
  return { format: 'wav', durationMs: Math.round((dataBytes / (SAMPLE_RATE * 2)) * 1000) }
}

function isConnectedMessage(bytes: Buffer): boolean {
  try {
    const message = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
    return message.event === 'websocket:connected' && String(message['content-type']).replace(/\s/g, '') === `audio/l16;rate=${SAMPLE_RATE}`
  } catch {
    return false
  }
}

function isJsonEvent(bytes: Buffer): boolean {
  try {
    const message = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
    return typeof message.event === 'string' && message.event.startsWith('websocket:')
  } catch {
    return false
  }
}
