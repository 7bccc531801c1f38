import { strict as assert } from 'node:assert'
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { tokenGenerate, verifySignature } from '@vonage/jwt'
import { WebSocketServer } from 'ws'
import { callerAudioFromPcm, NCCO_SYNTAX_ERROR, VonageSimulator, type PlaceCallOptions } from '../src/index'
import { scanMp3, mp3DurationMs } from '../src/caller/mp3'

/** One request the fake app received, with the exact bytes of its body. */
interface Received {
  method: string
  path: string
  query: URLSearchParams
  authorization: string | undefined
  contentType: string | undefined
  raw: string
  json: Record<string, unknown> | undefined
}

interface SocketLog {
  url: string
  text: string[]
  binary: Buffer[]
  /** performance.now() of each binary frame. */
  at: number[]
  openedAt: number
  closeCode?: number
  closedAt?: number
}

/**
 * A tiny app: answers with whatever NCCO `ncco` returns, takes events, recordings and input, and
 * a WebSocket at /socket. Everything it receives is kept for the assertions.
 */
class FakeApp {
  readonly received: Received[] = []
  readonly sockets: SocketLog[] = []
  ncco: (request: Received) => { status?: number; contentType?: string; body: string } = () => ({ body: '[]' })
  inputReply: () => unknown[] | undefined = () => undefined
  private readonly server: Server
  private readonly wss: WebSocketServer
  base = ''

  constructor() {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, contentType, body }) => {
        response.writeHead(status, { 'content-type': contentType })
        response.end(body)
      })
    })
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' })
    this.wss.on('connection', (socket, request) => {
      const log: SocketLog = { url: request.url ?? '', text: [], binary: [], at: [], openedAt: performance.now() }
      this.sockets.push(log)
      socket.on('message', (data: Buffer, isBinary) => {
        if (isBinary) {
          log.binary.push(Buffer.from(data))
          log.at.push(performance.now())
        } else log.text.push(data.toString('utf8'))
      })
      socket.on('close', (code) => {
        log.closeCode = code
        log.closedAt = performance.now()
      })
    })
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  get urls(): Pick<PlaceCallOptions, 'answerUrl' | 'eventUrl'> {
    return { answerUrl: `${this.base}/webhooks/answer`, eventUrl: `${this.base}/webhooks/event` }
  }

  get wsUrl(): string {
    return `${this.base.replace('http', 'ws')}/socket?call=abc&token=secret`
  }

  forCall(uuid: string, conversationUuid: string): Received[] {
    return this.received.filter((r) => {
      const json = r.json ?? Object.fromEntries(r.query)
      return json.uuid === uuid || json.conversation_uuid === conversationUuid
    })
  }

  reset(): void {
    this.received.length = 0
    this.sockets.length = 0
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; contentType: string; body: string }> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const url = new URL(request.url ?? '/', this.base)
    const entry: Received = {
      method: request.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      raw,
      json: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined
    }
    this.received.push(entry)
    if (url.pathname === '/webhooks/answer') {
      const reply = this.ncco(entry)
      return { status: reply.status ?? 200, contentType: reply.contentType ?? 'application/json', body: reply.body }
    }
    if (url.pathname === '/webhooks/input') {
      const next = this.inputReply()
      return next ? { status: 200, contentType: 'application/json', body: JSON.stringify(next) } : { status: 204, contentType: 'text/plain', body: '' }
    }
    return { status: 200, contentType: 'text/plain', body: 'ok' }
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate()
    this.wss.close()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

const claimsOf = (authorization: string | undefined): Record<string, unknown> => {
  const token = authorization?.replace(/^Bearer /, '') ?? ''
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** A ramp that is never silent and whose length is not a whole number of 20 ms frames. */
function ramp(samples: number): Int16Array {
  const pcm = new Int16Array(samples)
  for (let i = 0; i < samples; i++) pcm[i] = ((i * 37) % 60000) - 30000
  return pcm
}
/** What must arrive on the socket: the samples as 16-bit LE, zero-padded to whole 640-byte frames. */
function expectedStream(pcm: Int16Array): Buffer {
  const bytes = Buffer.alloc(Math.ceil((pcm.length * 2) / 640) * 640)
  pcm.forEach((sample, i) => bytes.writeInt16LE(sample, i * 2))
  return bytes
}

const recordNcco = (app: FakeApp) => [
  { action: 'talk', text: 'Leave your entry after the beep.' },
  { action: 'record', format: 'mp3', beepStart: true, endOnKey: '*', timeOut: 60, eventUrl: [`${app.base}/webhooks/recording`], eventMethod: 'POST' },
  { action: 'talk', text: 'Thank you.' }
]
const streamNcco = (app: FakeApp, extra: Record<string, unknown> = {}) => [
  { action: 'connect', endpoint: [{ type: 'websocket', uri: app.wsUrl, 'content-type': 'audio/l16;rate=16000', headers: { journal: 'main', callId: 'abc' } }], ...extra }
]

describe('vonage-sim calls', () => {
  const app = new FakeApp()
  let sim: VonageSimulator
  before(async () => {
    await app.listen()
    sim = await VonageSimulator.start()
  })
  after(async () => {
    await sim.close()
    await app.close()
  })

  it('record mode: signed answer GET, events in order, a recording event whose URL downloads the MP3', async () => {
    app.reset()
    app.ncco = () => ({ body: JSON.stringify(recordNcco(app)) })
    const audio = callerAudioFromPcm(ramp(16000 * 2))
    const call = sim.placeCall({ ...app.urls, audio, realtime: false, from: '447700900123' })
    const result = await call.done
    assert.equal(result.status, 'completed', result.error)
    assert.match(call.uuid, /^[0-9a-f]{32}$/)
    assert.match(call.conversationUuid, /^CON-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.deepEqual(result.actions, ['talk', 'record', 'talk'])

    const answer = app.received.find((r) => r.path === '/webhooks/answer')!
    assert.equal(answer.method, 'GET')
    assert.deepEqual(Object.fromEntries(answer.query), {
      to: '447700900000',
      from: '447700900123',
      uuid: call.uuid,
      conversation_uuid: call.conversationUuid,
      region_url: 'https://api-us-3.vonage.com'
    })
    const token = answer.authorization!.replace('Bearer ', '')
    assert.equal(verifySignature(token, sim.account.signatureSecret), true)
    assert.equal(claimsOf(answer.authorization).payload_hash, undefined, 'a GET has no body to hash')

    const posts = app.received.filter((r) => r.method === 'POST')
    for (const post of posts) {
      assert.equal(post.contentType, 'application/json')
      assert.equal(verifySignature(post.authorization!.replace('Bearer ', ''), sim.account.signatureSecret), true)
      const claims = claimsOf(post.authorization)
      assert.equal(claims.payload_hash, sha256(post.raw))
      assert.equal(claims.iss, 'Vonage')
      assert.equal(claims.api_key, sim.account.apiKey)
      assert.equal(claims.application_id, sim.account.applicationId)
      assert.match(String(claims.jti), /^[0-9a-f-]{36}$/)
      assert.ok(Math.abs(Number(claims.iat) - Date.now() / 1000) < 5)
    }

    const events = posts.filter((r) => r.path === '/webhooks/event').map((r) => r.json!)
    assert.deepEqual(events.map((e) => e.status), ['started', 'ringing', 'answered', 'completed'])
    for (const event of events) {
      assert.equal(event.uuid, call.uuid)
      assert.equal(event.conversation_uuid, call.conversationUuid)
      assert.equal(event.direction, 'inbound')
      assert.equal(event.from, '447700900123')
      assert.match(String(event.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    }
    const completed = events.at(-1)!
    assert.equal(typeof completed.duration, 'string')
    assert.ok(Number(completed.duration) >= 2, `duration ${String(completed.duration)}`)
    for (const field of ['start_time', 'end_time', 'rate', 'price', 'network']) assert.ok(field in completed, field)

    const recordingPosts = posts.filter((r) => r.path === '/webhooks/recording')
    assert.equal(recordingPosts.length, 1)
    const recording = recordingPosts[0]!.json!
    assert.deepEqual(Object.keys(recording).sort(), ['conversation_uuid', 'end_time', 'recording_url', 'recording_uuid', 'size', 'start_time', 'timestamp'])
    assert.equal(recording.conversation_uuid, call.conversationUuid)
    assert.match(String(recording.recording_url), new RegExp(`^${sim.url}/v1/files/[0-9a-f-]{36}$`))
    assert.match(String(recording.start_time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.equal(Date.parse(String(recording.end_time)) - Date.parse(String(recording.start_time)), 2000)
    // The recording event comes between answered and completed.
    const order = posts.map((r) => (r.path === '/webhooks/recording' ? 'recording' : String(r.json?.status)))
    assert.deepEqual(order, ['started', 'ringing', 'answered', 'recording', 'completed'])

    const response = await fetch(String(recording.recording_url), { headers: { authorization: `Bearer ${tokenGenerate(sim.account.applicationId, sim.account.privateKey)}` } })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'audio/mpeg')
    const mp3 = Buffer.from(await response.arrayBuffer())
    assert.equal(mp3.length, recording.size)
    assert.deepEqual(mp3, result.recordings[0]!.bytes)
    const frames = scanMp3(mp3)
    assert.ok(frames, 'the download is an MP3')
    assert.ok(Math.abs(mp3DurationMs(frames, mp3) - 2000) < 150)
  })

  it('stream mode: websocket:connected with the headers, then exactly the PCM in 640-byte frames, then a normal close', async () => {
    app.reset()
    app.ncco = () => ({ body: JSON.stringify(streamNcco(app)) })
    const pcm = ramp(16000 * 0.5 + 123)
    const result = await sim.placeCall({ ...app.urls, audio: callerAudioFromPcm(pcm), realtime: false }).done
    assert.equal(result.status, 'completed', result.error)
    const [socket] = app.sockets
    assert.ok(socket)
    assert.equal(socket.url, '/socket?call=abc&token=secret')
    assert.equal(socket.text.length, 1)
    assert.deepEqual(JSON.parse(socket.text[0]!), { event: 'websocket:connected', 'content-type': 'audio/l16;rate=16000', journal: 'main', callId: 'abc' })
    assert.ok(socket.binary.every((frame) => frame.length === 640))
    const received = Buffer.concat(socket.binary)
    assert.deepEqual(received, expectedStream(pcm))
    assert.deepEqual(received, result.streams[0]!.bytes)
    assert.equal(socket.closeCode, 1000)
    assert.equal(result.streams[0]!.endedBy, 'audio-end')
    const events = app.received.filter((r) => r.path === '/webhooks/event').map((r) => r.json!.status)
    assert.deepEqual(events, ['started', 'ringing', 'answered', 'completed'])
  })

  it('paces frames in real time without drift when asked', async () => {
    app.reset()
    app.ncco = () => ({ body: JSON.stringify(streamNcco(app)) })
    const pcm = ramp(16000)
    const result = await sim.placeCall({ ...app.urls, audio: callerAudioFromPcm(pcm), realtime: true }).done
    assert.equal(result.status, 'completed', result.error)
    const socket = app.sockets[0]!
    assert.equal(socket.binary.length, 50)
    const elapsed = socket.closedAt! - socket.openedAt
    assert.ok(elapsed >= 950, `1 s of audio took ${elapsed.toFixed(0)} ms`)
    assert.ok(elapsed < 1600, `1 s of audio took ${elapsed.toFixed(0)} ms`)
    // Frame k is due k × 20 ms after the leg starts, which is after the socket opened: none may
    // come early. Measured from the open rather than from frame 0, whose own delivery can be late
    // on a loaded machine and would make later, punctual frames look early. No lateness piles up.
    socket.at.forEach((at, k) => {
      const offset = at - socket.openedAt
      assert.ok(offset >= k * 20 - 2 && offset <= k * 20 + 250, `frame ${k} at ${offset.toFixed(1)} ms after the socket opened`)
    })
  })

  it('honours the connect limit', async () => {
    app.reset()
    app.ncco = () => ({ body: JSON.stringify(streamNcco(app, { limit: 1 })) })
    const result = await sim.placeCall({ ...app.urls, audio: callerAudioFromPcm(ramp(16000 * 3)), realtime: false }).done
    assert.equal(result.streams[0]!.frames, 50)
    assert.equal(result.streams[0]!.endedBy, 'limit')
    assert.equal(app.sockets[0]!.binary.length, 50)
  })

  it('ends the call with an error event when the NCCO is unusable', async () => {
    const cases: Array<[string, () => { status?: number; contentType?: string; body: string }]> = [
      ['wrong content type', () => ({ contentType: 'text/plain', body: JSON.stringify(recordNcco(app)) })],
      ['not an array', () => ({ body: JSON.stringify({ action: 'talk', text: 'hi' }) })],
      ['eventUrl as a string', () => ({ body: JSON.stringify([{ action: 'record', eventUrl: `${app.base}/webhooks/recording` }]) })],
      ['unknown action', () => ({ body: JSON.stringify([{ action: 'dance' }]) })],
      ['HTTP 401', () => ({ status: 401, body: '' })]
    ]
    for (const [label, reply] of cases) {
      app.reset()
      app.ncco = reply
      const call = sim.placeCall({ ...app.urls, realtime: false })
      const result = await call.done
      assert.equal(result.status, 'failed', label)
      const posts = app.received.filter((r) => r.method === 'POST').map((r) => r.json!)
      const error = posts.find((p) => 'reason' in p)
      assert.ok(error, label)
      assert.ok(String(error.reason).startsWith(NCCO_SYNTAX_ERROR), `${label}: ${String(error.reason)}`)
      assert.equal(error.conversation_uuid, call.conversationUuid)
      assert.ok(error.timestamp)
      assert.deepEqual(posts.filter((p) => p.status).map((p) => p.status), ['started', 'ringing', 'completed'], label)
      assert.equal(app.received.some((r) => r.path === '/webhooks/recording'), false)
    }
  })

  it('runs input: posts the DTMF and runs the NCCO the reply holds', async () => {
    app.reset()
    app.ncco = () => ({ body: JSON.stringify([{ action: 'input', type: ['dtmf'], dtmf: { maxDigits: 4, submitOnHash: true }, eventUrl: [`${app.base}/webhooks/input`] }]) })
    app.inputReply = () => [{ action: 'talk', text: 'You pressed one two.' }]
    const result = await sim.placeCall({ ...app.urls, realtime: false, dtmf: ['12#'] }).done
    assert.equal(result.status, 'completed', result.error)
    const input = app.received.find((r) => r.path === '/webhooks/input')!
    assert.deepEqual(input.json!.dtmf, { digits: '12', timed_out: false })
    assert.equal(claimsOf(input.authorization).payload_hash, sha256(input.raw))
    assert.deepEqual(result.actions, ['input', 'talk'])
  })

  it('can sign wrongly, not at all, stale, or with a hash of another body', async () => {
    app.ncco = () => ({ body: JSON.stringify([{ action: 'talk', text: 'Hello.' }]) })
    const check = async (signing: PlaceCallOptions['signing']): Promise<Received> => {
      app.reset()
      await sim.placeCall({ ...app.urls, realtime: false, signing }).done
      return app.received.find((r) => r.path === '/webhooks/event')!
    }
    const wrong = await check('wrong-secret')
    assert.equal(verifySignature(wrong.authorization!.replace('Bearer ', ''), sim.account.signatureSecret), false)
    assert.equal((await check('none')).authorization, undefined)
    const stale = await check('stale-iat')
    assert.ok(Number(claimsOf(stale.authorization).iat) < Date.now() / 1000 - 3000)
    const tampered = await check('bad-payload-hash')
    assert.equal(verifySignature(tampered.authorization!.replace('Bearer ', ''), sim.account.signatureSecret), true)
    assert.notEqual(claimsOf(tampered.authorization).payload_hash, sha256(tampered.raw))
  })

  it('delivers every event twice when asked, with the same body', async () => {
    app.reset()
    app.ncco = () => ({ body: JSON.stringify([{ action: 'talk', text: 'Hello.' }]) })
    await sim.placeCall({ ...app.urls, realtime: false, duplicateEvents: true }).done
    const events = app.received.filter((r) => r.path === '/webhooks/event')
    assert.deepEqual(events.map((e) => e.json!.status), ['started', 'started', 'ringing', 'ringing', 'answered', 'answered', 'completed', 'completed'])
    assert.equal(events[0]!.raw, events[1]!.raw)
  })

  it('answers by POST when configured, and keeps the recording of a caller who hangs up', async () => {
    app.reset()
    app.ncco = () => ({ body: JSON.stringify([{ action: 'record', eventUrl: [`${app.base}/webhooks/recording`] }, { action: 'talk', text: 'Never heard.' }]) })
    const call = sim.placeCall({ ...app.urls, answerMethod: 'POST', audio: callerAudioFromPcm(ramp(16000 * 3)), realtime: true })
    setTimeout(() => call.hangUp(), 400)
    const result = await call.done
    const answer = app.received.find((r) => r.path === '/webhooks/answer')!
    assert.equal(answer.method, 'POST')
    assert.equal(answer.json!.uuid, call.uuid)
    assert.equal(claimsOf(answer.authorization).payload_hash, sha256(answer.raw))
    assert.deepEqual(result.actions, ['record'])
    const recording = result.recordings[0]!
    assert.equal(recording.endedBy, 'hangup')
    assert.ok(recording.durationMs >= 300 && recording.durationMs < 1000, `${recording.durationMs} ms`)
    assert.ok(app.received.some((r) => r.path === '/webhooks/recording'))
    assert.equal(app.received.filter((r) => r.path === '/webhooks/event').at(-1)!.json!.status, 'completed')
  })

  it('can post the recording event after completed, or a failed recording (empty URL, size 0)', async () => {
    app.reset()
    app.ncco = () => ({ body: JSON.stringify(recordNcco(app)) })
    const result = await sim.placeCall({ ...app.urls, audio: callerAudioFromPcm(ramp(8000)), realtime: false, recordingEventAfterCompleted: true, emptyRecording: true }).done
    const order = app.received.filter((r) => r.method === 'POST').map((r) => (r.path === '/webhooks/recording' ? 'recording' : String(r.json?.status)))
    assert.deepEqual(order, ['started', 'ringing', 'answered', 'completed', 'recording'])
    const recording = app.received.find((r) => r.path === '/webhooks/recording')!.json!
    assert.equal(recording.recording_url, '')
    assert.equal(recording.size, 0)
    assert.equal(result.recordings.length, 0)
  })

  it('can post the WebSocket leg events too (own uuid, outbound, to = the URI)', async () => {
    app.reset()
    app.ncco = () => ({ body: JSON.stringify(streamNcco(app)) })
    const call = sim.placeCall({ ...app.urls, audio: callerAudioFromPcm(ramp(1600)), realtime: false, websocketLegEvents: true })
    await call.done
    const events = app.received.filter((r) => r.path === '/webhooks/event').map((r) => r.json!)
    const leg = events.filter((e) => e.uuid !== call.uuid)
    assert.deepEqual(leg.map((e) => e.status), ['started', 'answered', 'completed'])
    assert.ok(leg.every((e) => e.direction === 'outbound' && e.to === app.wsUrl && e.conversation_uuid === call.conversationUuid))
    assert.deepEqual(events.filter((e) => e.uuid === call.uuid).map((e) => e.status), ['started', 'ringing', 'answered', 'completed'])
  })

  it('reports an app that cannot be reached', async () => {
    const result = await sim.placeCall({ answerUrl: 'http://127.0.0.1:9/webhooks/answer', eventUrl: 'http://127.0.0.1:9/webhooks/event', realtime: false }).done
    assert.equal(result.status, 'failed')
    assert.match(result.error ?? '', /did not answer \(ECONNREFUSED\)/)
  })
})
