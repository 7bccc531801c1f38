import { strict as assert } from 'node:assert'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import WebSocket from 'ws'
import { SocketTokens } from '../../src/main/intake/socket-tokens'
import { FRAME_BYTES, StreamReceiver, type StreamCallSummary } from '../../src/main/intake/stream-receiver'
import { IntakeHarness, toneAudio, wavData } from '../helpers/intake-harness'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'

/** A WAV batch (StreamingWavFile flushes 16 KiB at a time) and the most one socket read delivers. */
const BATCH_BYTES = 16 * 1024
const SOCKET_READ_BYTES = 64 * 1024

describe('stream backpressure: a call sent faster than its file is written', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>
  let server: Server
  let receiver: StreamReceiver
  let tokens: SocketTokens
  const delivered = new Map<string, Buffer>()
  const summaries = new Map<string, StreamCallSummary>()

  before(async () => {
    temp = await makeTempDir()
    tokens = await SocketTokens.load(join(temp.dir, 'socket-key'))
    receiver = new StreamReceiver({
      dir: join(temp.dir, 'streams'),
      tokens,
      maxSeconds: () => 3600,
      // The file is removed once this resolves: keep its bytes to compare.
      deliver: async (recording) => void delivered.set(recording.callUuid, await readFile(recording.file)),
      // Any batch waiting for the disk stops the reading: every flush pauses the socket until its write is done.
      queueLimitBytes: 0
    })
    receiver.on('ended', (summary) => summaries.set(summary.callUuid, summary))
    await receiver.boot()
    server = createServer()
    server.on('upgrade', (request, socket, head) => receiver.handleUpgrade(request, socket, head))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
  })
  after(async () => {
    await receiver?.shutdown()
    server?.close()
    await temp?.cleanup()
  })

  it('stops reading while the writes lag, never holds more than the bound plus one socket read, and writes every byte', async () => {
    const callUuid = 'c'.repeat(32)
    const { port } = server.address() as AddressInfo
    const socket = new WebSocket(`ws://127.0.0.1:${port}/webhooks/socket?call=${callUuid}&token=${tokens.tokenFor(callUuid)}`)
    await once(socket, 'open')
    // Three minutes of audio handed to the socket at once: as fast as TCP lets it through.
    const pcm = Buffer.from(toneAudio(3, 180).pcm!.buffer)
    socket.send(JSON.stringify({ event: 'websocket:connected', 'content-type': 'audio/l16;rate=16000' }))
    for (let offset = 0; offset < pcm.length; offset += FRAME_BYTES) socket.send(pcm.subarray(offset, offset + FRAME_BYTES))
    socket.close(1000)
    await once(socket, 'close')
    await waitFor(() => delivered.has(callUuid), 'the call is handed over', 30_000)

    const summary = summaries.get(callUuid)!
    assert.equal(summary.bytes, pcm.length)
    assert.ok(summary.pauses > 0, 'the receiver paused reading while a write was pending')
    assert.ok(
      summary.maxQueuedBytes <= BATCH_BYTES + SOCKET_READ_BYTES,
      `at most ${summary.maxQueuedBytes} bytes waited for the disk (bound 0 + a batch + one socket read)`
    )
    assert.ok(wavData(delivered.get(callUuid)!).equals(pcm), 'the WAV holds exactly the PCM sent')
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
