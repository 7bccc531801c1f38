import { strict as assert } from 'node:assert'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { callerAudioFromPcm, VonageSimulator, type CallerAudio } from '../src/index'

/** `seconds` of a tone unique to `seed`, so every segment's recording can be told apart. */
function tone(seed: number, seconds: number): CallerAudio {
  const pcm = new Int16Array(Math.round(16000 * seconds))
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * (300 + seed * 40) * i) / 16000))
  return callerAudioFromPcm(pcm, `tone-${seed}`)
}

/**
 * An app taking several recordings per call: record, prompt, one-key input; the input's reply is
 * another round for "1", else a goodbye. It keeps the recording events it gets.
 */
class SegmentsApp {
  readonly recordingEvents: Array<Record<string, unknown>> = []
  readonly inputDigits: string[] = []
  base = ''
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const path = new URL(request.url ?? '/', this.base).pathname
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {}
      let ncco: unknown[] | null = null
      if (path === '/answer') ncco = this.round()
      if (path === '/recording') this.recordingEvents.push(body)
      if (path === '/input') {
        const digits = String((body.dtmf as { digits?: unknown }).digits)
        this.inputDigits.push(digits)
        ncco = digits === '1' ? this.round() : [{ action: 'talk', text: 'Goodbye.' }]
      }
      response.writeHead(200, { 'content-type': ncco ? 'application/json' : 'text/plain' })
      response.end(ncco ? JSON.stringify(ncco) : 'ok')
    })
  })

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  private round(): unknown[] {
    return [
      { action: 'record', format: 'mp3', beepStart: true, endOnKey: '#', timeOut: 60, eventUrl: [`${this.base}/recording`] },
      { action: 'talk', text: 'Press 1 to record another.' },
      { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 1, timeOut: 5 }, eventUrl: [`${this.base}/input`] }
    ]
  }
}

describe('vonage-sim: several recordings in one call', () => {
  const app = new SegmentsApp()
  let sim: VonageSimulator
  before(async () => {
    await app.listen()
    sim = await VonageSimulator.start()
  })
  after(async () => {
    await sim.close()
    await app.close()
  })

  it('gives each record its own recording and uuid, speaking segmentAudio in order, then `audio`', async () => {
    const segments = [tone(1, 1), tone(2, 2)]
    const fallback = tone(3, 1)
    const result = await sim.placeCall({
      answerUrl: `${app.base}/answer`,
      eventUrl: `${app.base}/event`,
      realtime: false,
      audio: fallback,
      segmentAudio: segments,
      dtmf: ['1', '1', '']
    }).done
    assert.equal(result.status, 'completed', result.error)
    assert.deepEqual(result.actions, ['record', 'talk', 'input', 'record', 'talk', 'input', 'record', 'talk', 'input', 'talk'])
    assert.deepEqual(app.inputDigits, ['1', '1', ''])
    const expected = [...segments, fallback].map((audio) => audio.mp3())
    assert.equal(result.recordings.length, 3)
    result.recordings.forEach((recording, i) => assert.ok(recording.bytes.equals(expected[i]!), `segment ${i + 1} is its own audio`))
    assert.equal(new Set(result.recordings.map((r) => r.recordingUuid)).size, 3, 'a uuid per recording')
    assert.equal(new Set(result.recordings.map((r) => r.fileId)).size, 3, 'a file per recording')
    // Each recording is announced once, before the call goes on, with the call's conversation.
    assert.deepEqual(app.recordingEvents.map((event) => event.recording_uuid), result.recordings.map((r) => r.recordingUuid))
    for (const event of app.recordingEvents) assert.equal(event.conversation_uuid, result.conversationUuid)
  })
})
