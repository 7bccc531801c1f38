import { strict as assert } from 'node:assert'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import WebSocket from 'ws'
import { SocketTokens } from '../../src/main/intake/socket-tokens'
import { FRAME_BYTES, StreamReceiver, type StreamCallSummary, type StreamReceiverOptions } from '../../src/main/intake/stream-receiver'
import { IntakeHarness, toneAudio, wavData } from '../helpers/intake-harness'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'

/** A WAV batch (StreamingWavFile flushes 16 KiB at a time) and the most one socket read delivers. */
const BATCH_BYTES = 16 * 1024
const SOCKET_READ_BYTES = 64 * 1024

/** A real StreamReceiver behind a real HTTP server on loopback, keeping what it delivers and reports. */
class ReceiverUnderTest {
  private constructor(
    private readonly temp: Awaited<ReturnType<typeof makeTempDir>>,
    private readonly tokens: SocketTokens,
    private readonly receiver: StreamReceiver,
    private readonly server: Server,
    /** Each call's WAV as handed over, by call uuid. */
    readonly delivered: Map<string, Buffer>,
    readonly summaries: Map<string, StreamCallSummary>
  ) {}

  static async start(options: Pick<StreamReceiverOptions, 'maxSeconds' | 'queueLimitBytes'>): Promise<ReceiverUnderTest> {
    const temp = await makeTempDir()
    const tokens = await SocketTokens.load(join(temp.dir, 'socket-key'))
    const delivered = new Map<string, Buffer>()
    const summaries = new Map<string, StreamCallSummary>()
    const receiver = new StreamReceiver({
      dir: join(temp.dir, 'streams'),
      tokens,
      // The file is removed once this resolves: keep its bytes to compare.
      deliver: async (recording) => void delivered.set(recording.callUuid, await readFile(recording.file)),
      ...options
    })
    receiver.on('ended', (summary) => summaries.set(summary.callUuid, summary))
    await receiver.boot()
    const server = createServer()
    server.on('upgrade', (request, socket, head) => receiver.handleUpgrade(request, socket, head))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return new ReceiverUnderTest(temp, tokens, receiver, server, delivered, summaries)
  }

  /** Opens a call's socket as Vonage would and says websocket:connected; the audio is up to the test. */
  async connect(callUuid: string): Promise<WebSocket> {
    const { port } = this.server.address() as AddressInfo
    const socket = new WebSocket(`ws://127.0.0.1:${port}/webhooks/socket?call=${callUuid}&token=${this.tokens.tokenFor(callUuid)}`)
    await once(socket, 'open')
    socket.send(JSON.stringify({ event: 'websocket:connected', 'content-type': 'audio/l16;rate=16000' }))
    return socket
  }

  async close(): Promise<void> {
    await this.receiver.shutdown()
    this.server.close()
    await this.temp.cleanup()
  }
}

/** Hands every frame of `pcm` to the socket at once: as fast as TCP lets it through. */
function pushAll(socket: WebSocket, pcm: Buffer): void {
  for (let offset = 0; offset < pcm.length; offset += FRAME_BYTES) socket.send(pcm.subarray(offset, offset + FRAME_BYTES))
}

describe('stream backpressure: a call sent faster than its file is written', () => {
  let receiver: ReceiverUnderTest
  before(async () => {
    // Any batch waiting for the disk stops the reading: every flush pauses the socket until its write is done.
    receiver = await ReceiverUnderTest.start({ maxSeconds: () => 3600, queueLimitBytes: 0 })
  })
  after(() => receiver?.close())

  it('stops reading while the writes lag, never holds more than the bound plus one socket read, and writes every byte', async () => {
    const callUuid = 'c'.repeat(32)
    const socket = await receiver.connect(callUuid)
    const pcm = Buffer.from(toneAudio(3, 180).pcm!.buffer) // three minutes
    pushAll(socket, pcm)
    socket.close(1000)
    await once(socket, 'close')
    await waitFor(() => receiver.delivered.has(callUuid), 'the call is handed over', 30_000)

    const summary = receiver.summaries.get(callUuid)!
    assert.equal(summary.bytes, pcm.length)
    assert.ok(summary.pauses > 0, 'the receiver paused reading while a write was pending')
    assert.ok(
      summary.maxQueuedBytes <= BATCH_BYTES + SOCKET_READ_BYTES,
      `at most ${summary.maxQueuedBytes} bytes waited for the disk (bound 0 + a batch + one socket read)`
    )
    assert.ok(wavData(receiver.delivered.get(callUuid)!).equals(pcm), 'the WAV holds exactly the PCM sent')
  })
})

describe('stream time limit', () => {
  let receiver: ReceiverUnderTest
  before(async () => {
    receiver = await ReceiverUnderTest.start({ maxSeconds: () => 1 })
  })
  after(() => receiver?.close())

  it('ends a call at its limit and keeps exactly the limit of its audio, however fast it comes', async () => {
    const callUuid = 'd'.repeat(32)
    const socket = await receiver.connect(callUuid)
    const pcm = Buffer.from(toneAudio(4, 3).pcm!.buffer)
    const closed = once(socket, 'close') as Promise<[number, Buffer]>
    pushAll(socket, pcm)
    const [code, reason] = await closed
    assert.equal(code, 1000)
    assert.equal(String(reason), 'time limit reached')
    await waitFor(() => receiver.delivered.has(callUuid), 'the call is handed over')
    assert.ok(wavData(receiver.delivered.get(callUuid)!).equals(pcm.subarray(0, 32_000)), 'one second of audio, the first')
  })
})

describe('stream backpressure through the app: a call pushed at full speed', () => {
  let harness: IntakeHarness
  before(async () => {
    harness = await IntakeHarness.start('stream')
  })
  after(() => harness?.close())

  it('comes out exact, sample for sample', async () => {
    // Ten minutes of audio, each frame sent as soon as the socket took the previous one.
    const call = harness.placeCall({ audio: toneAudio(11, 600), realtime: false })
    const result = await call.done
    assert.equal(result.status, 'completed', result.error)
    const sent = result.streams[0]!.bytes
    assert.equal(sent.length, 600 * 32000)
    await waitFor(async () => (await harness.entries()).some((e) => e.path.endsWith(`/${call.uuid}.wav`)), 'the entry is added', 60_000)
    const entry = (await harness.entries()).find((e) => e.path.endsWith(`/${call.uuid}.wav`))!
    assert.equal(entry.durationMs, 600_000)
    assert.ok(wavData(await harness.app.audio(entry.path)).equals(sent), 'the WAV holds exactly the PCM sent')
  })
})
