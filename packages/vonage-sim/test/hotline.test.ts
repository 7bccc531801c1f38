import { strict as assert } from 'node:assert'
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, afterEach, before, describe, it } from 'node:test'
import { tokenGenerate, verifySignature } from '@vonage/jwt'
import { Vonage } from '@vonage/server-sdk'
import { callerAudioFromPcm, loadCallerAudio, VonageSimulator, type OutboundCallRecord } from '../src/index'
import { mp3DurationMs, scanMp3 } from '../src/caller/mp3'

/** One request the hotline app received. */
interface Received {
  method: string
  path: string
  query: URLSearchParams
  authorization: string | undefined
  raw: string
  json: Record<string, unknown> | undefined
}

type Ncco = Array<Record<string, unknown>>
type SdkNcco = Parameters<Vonage['voice']['transferCallWithNCCO']>[1]
/** playTTS is typed with the NCCO talk action, but sends only its text and settings. */
const tts = (text: string): Parameters<Vonage['voice']['playTTS']>[1] => ({ text }) as Parameters<Vonage['voice']['playTTS']>[1]

/** Resolves once `condition()` holds (polled every few ms), failing after `timeoutMs`. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const VONAGE_NUMBER = '447700900000'
const GREETING = 'Thank you for calling the hotline. Please hold while we find someone.'
const WHISPER = 'Hotline call: connecting you now.'
const ANNOUNCEMENT = 'Ana is joining this call.'
const VOICEMAIL = 'Nobody could answer. Leave a message after the beep.'
const UNANSWERED = ['rejected', 'busy', 'timeout', 'failed', 'cancelled', 'unanswered']

/**
 * A tiny hotline, written the way the app will be: the caller hears a greeting and waits in a
 * recorded conversation with hold music while every staff phone is dialled through the real SDK;
 * the first to answer hears a whisper and joins, the caller hears an announcement, the other legs
 * are hung up. Nobody answering sends the caller to a `record` NCCO; a caller hanging up makes
 * the app hang up the staff legs still ringing.
 */
class HotlineApp {
  readonly received: Received[] = []
  /** Background work (dialling, hangups, announcements), so a test can wait for all of it. */
  readonly tasks: Promise<unknown>[] = []
  /** Errors the API answered the app with (e.g. hanging up a leg that had already ended). */
  readonly apiErrors: string[] = []
  staff: string[] = []
  ringingTimer = 120
  holdMusicType = 'audio/mpeg'
  /** Date.now() when the caller's answer webhook arrived. */
  answeredAt: number | undefined
  private readonly server: Server
  private vonage!: Vonage
  private callerUuid = ''
  private conversation = ''
  private staffUuids: string[] = []
  private answeredBy: string | undefined
  private staffEnded = new Set<string>()
  private resolveDialled!: () => void
  /** Resolves once every staff phone has been dialled for the current call. */
  dialled!: Promise<void>
  base = ''

  constructor(private readonly holdMusic: Buffer) {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, contentType, body }) => {
        response.writeHead(status, { 'content-type': contentType })
        response.end(body)
      })
    })
    this.reset()
  }

  async listen(sim: VonageSimulator): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    this.vonage = new Vonage({ applicationId: sim.account.applicationId, privateKey: sim.account.privateKey }, { apiHost: sim.url })
  }

  get urls(): { answerUrl: string; eventUrl: string } {
    return { answerUrl: `${this.base}/webhooks/answer`, eventUrl: `${this.base}/webhooks/event` }
  }

  get conversationName(): string {
    return this.conversation
  }

  reset(): void {
    this.received.length = 0
    this.tasks.length = 0
    this.apiErrors.length = 0
    this.staffUuids = []
    this.answeredBy = undefined
    this.answeredAt = undefined
    this.staffEnded = new Set()
    this.holdMusicType = 'audio/mpeg'
    this.dialled = new Promise((resolve) => (this.resolveDialled = resolve))
  }

  posts(path: string): Record<string, unknown>[] {
    return this.received.filter((r) => r.method === 'POST' && r.path === path).map((r) => r.json!)
  }

  async settled(): Promise<void> {
    for (let count = 0; count !== this.tasks.length; ) {
      count = this.tasks.length
      await Promise.allSettled(this.tasks)
    }
  }

  private later(work: () => Promise<unknown>): void {
    this.tasks.push(
      new Promise((resolve) => setImmediate(resolve)).then(work).catch((error: unknown) => {
        this.apiErrors.push((error as Error).message)
      })
    )
  }

  private json(body: Ncco): { status: number; contentType: string; body: string } {
    return { status: 200, contentType: 'application/json', body: JSON.stringify(body) }
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; contentType: string; body: string | Buffer }> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const url = new URL(request.url ?? '/', this.base)
    const entry: Received = {
      method: request.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      authorization: request.headers.authorization,
      raw,
      json: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined
    }
    this.received.push(entry)
    const fields = entry.json ?? Object.fromEntries(url.searchParams)
    switch (url.pathname) {
      case '/hold.mp3':
        return { status: 200, contentType: this.holdMusicType, body: this.holdMusic }
      case '/webhooks/answer':
        return this.json(this.answerCaller(String(fields.uuid)))
      case '/webhooks/staff-answer':
        return this.json(this.answerStaff(String(fields.uuid)))
      case '/webhooks/staff-event':
        this.staffEvent(String(fields.uuid), String(fields.status))
        break
      case '/webhooks/event':
        if (fields.uuid === this.callerUuid && fields.status === 'completed') this.callerGone()
        break
    }
    return { status: 200, contentType: 'text/plain', body: 'ok' }
  }

  private answerCaller(uuid: string): Ncco {
    this.answeredAt = Date.now()
    this.callerUuid = uuid
    this.conversation = `hotline-${uuid}`
    // The NCCO goes back at once; the staff are dialled meanwhile.
    this.later(async () => {
      this.staffUuids = await Promise.all(
        this.staff.map(async (number) => {
          const call = await this.vonage.voice.createOutboundCall({
            to: [{ type: 'phone', number }],
            from: { type: 'phone', number: VONAGE_NUMBER },
            answerUrl: [`${this.base}/webhooks/staff-answer`],
            eventUrl: [`${this.base}/webhooks/staff-event`],
            ringingTimer: this.ringingTimer
          })
          return call.uuid
        })
      )
      this.resolveDialled()
    })
    return [
      { action: 'talk', text: GREETING },
      {
        action: 'conversation',
        name: this.conversation,
        musicOnHoldUrl: [`${this.base}/hold.mp3`],
        startOnEnter: false,
        record: true,
        eventUrl: [`${this.base}/webhooks/recording`]
      }
    ]
  }

  private answerStaff(uuid: string): Ncco {
    if (this.answeredBy) return [{ action: 'talk', text: 'Someone else has taken this call. Thank you.' }]
    this.answeredBy = uuid
    this.later(async () => {
      await this.dialled
      await Promise.all([
        ...this.staffUuids.filter((other) => other !== uuid).map((other) => this.vonage.voice.hangupCall(other).catch((error: Error) => this.apiErrors.push(error.message))),
        this.vonage.voice.playTTS(this.callerUuid, tts(ANNOUNCEMENT))
      ])
    })
    return [
      { action: 'talk', text: WHISPER },
      { action: 'conversation', name: this.conversation, startOnEnter: true, endOnExit: true }
    ]
  }

  private staffEvent(uuid: string, status: string): void {
    if (!UNANSWERED.includes(status)) return
    this.staffEnded.add(uuid)
    // Everyone has been tried and nobody answered: voicemail.
    this.later(async () => {
      await this.dialled
      if (this.answeredBy || this.staffEnded.size < this.staff.length || !this.staffUuids.every((staff) => this.staffEnded.has(staff))) return
      this.answeredBy = 'voicemail'
      await this.vonage.voice.transferCallWithNCCO(this.callerUuid, [
        { action: 'talk', text: VOICEMAIL },
        { action: 'record', format: 'mp3', beepStart: true, eventUrl: [`${this.base}/webhooks/recording`] }
      ] as unknown as SdkNcco)
    })
  }

  private callerGone(): void {
    if (this.answeredBy) return
    this.answeredBy = 'abandoned'
    this.later(async () => {
      await this.dialled
      await Promise.all(this.staffUuids.map((uuid) => this.vonage.voice.hangupCall(uuid).catch((error: Error) => this.apiErrors.push(error.message))))
    })
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
const claimsOf = (authorization: string | undefined): Record<string, unknown> =>
  JSON.parse(Buffer.from((authorization ?? '').replace(/^Bearer /, '').split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>

/** A second of a never-silent ramp at 16 kHz: what the caller says. */
function ramp(samples: number): Int16Array {
  const pcm = new Int16Array(samples)
  for (let i = 0; i < samples; i++) pcm[i] = ((i * 37) % 60000) - 30000
  return pcm
}

const legsDone = (sim: VonageSimulator): Promise<void[]> => Promise.all(sim.outboundCalls.map((record) => record.done))
const byNumber = (sim: VonageSimulator, number: string): OutboundCallRecord => sim.outboundCalls.find((record) => record.to === number)!

describe('vonage-sim hotline: conversation, outbound staff legs, the Calls API', () => {
  const holdMusic = loadCallerAudio().mp3()
  const app = new HotlineApp(holdMusic)
  let sim: VonageSimulator

  before(async () => {
    sim = await VonageSimulator.start({ ringMs: 50, realtime: false })
    await app.listen(sim)
  })
  afterEach(async () => {
    await app.settled()
    await legsDone(sim)
    sim.phones.clear()
    sim.outboundCalls.length = 0
    sim.removeAllListeners('outbound-call')
    app.reset()
  })
  after(async () => {
    await sim.close()
    await app.close()
  })

  it('rings three staff: one declines, one answers after two rings and joins, one is hung up; the conversation is recorded', async () => {
    const [ana, ben, cleo] = ['447700900201', '447700900202', '447700900203']
    app.staff = [ben, ana, cleo]
    sim.phones.set(ana, { answer: 'decline', rings: 1 }).set(ben, { answer: 'after-rings', rings: 2 }).set(cleo, { answer: 'never' })
    const requested: OutboundCallRecord[] = []
    sim.on('outbound-call', (record) => requested.push(record))

    const call = sim.placeCall({ ...app.urls, realtime: false, from: '447700900123', audio: callerAudioFromPcm(ramp(16000)) })
    const result = await call.done
    await app.settled()
    await legsDone(sim)
    assert.equal(result.status, 'completed', result.error)

    // Every staff phone was dialled as soon as the caller was answered, with the SDK's snake_case body.
    assert.equal(requested.length, 3)
    assert.deepEqual(requested, sim.outboundCalls)
    const answeredAt = app.answeredAt!
    for (const record of requested) assert.ok(record.requestedAt >= answeredAt && record.requestedAt - answeredAt < 1000, `dialled ${record.requestedAt - answeredAt} ms after the answer webhook`)
    const benLeg = byNumber(sim, ben)
    assert.deepEqual(benLeg.request, {
      to: [{ type: 'phone', number: ben }],
      from: { type: 'phone', number: VONAGE_NUMBER },
      answer_url: [`${app.base}/webhooks/staff-answer`],
      event_url: [`${app.base}/webhooks/staff-event`],
      ringing_timer: 120
    })
    assert.match(benLeg.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)

    // Each leg went its phone's way.
    assert.deepEqual(byNumber(sim, ana).statuses, ['started', 'ringing', 'rejected'])
    assert.deepEqual(benLeg.statuses, ['started', 'ringing', 'answered', 'completed'])
    assert.deepEqual(byNumber(sim, cleo).statuses, ['started', 'ringing', 'cancelled'])
    assert.equal(byNumber(sim, cleo).hungUpBy, 'app')
    assert.equal(byNumber(sim, ana).hungUpBy, undefined)
    assert.equal(benLeg.hungUpBy, 'caller', 'Ben stayed until the caller had said their piece')
    assert.deepEqual(benLeg.spoken, [WHISPER])
    assert.equal(benLeg.conversation, app.conversationName)
    assert.ok(app.apiErrors.some((message) => /400/.test(message)), 'hanging up the leg that had declined is refused')

    // The caller: greeting, hold music, the announcement, in the conversation.
    assert.deepEqual(result.spoken, [GREETING, ANNOUNCEMENT])
    assert.deepEqual(result.conversations, [app.conversationName])
    assert.deepEqual(result.musicOnHold, [{ url: `${app.base}/hold.mp3`, status: 200, contentType: 'audio/mpeg', playable: true }])
    assert.equal(result.transferred, false)
    assert.deepEqual(result.actions, ['talk', 'conversation'])

    // The conversation, its members and its recording.
    const conversation = sim.conversations.get(app.conversationName)!
    assert.equal(conversation.status, 'ended')
    assert.deepEqual(conversation.members.map((m) => [m.legUuid, m.direction]), [[call.uuid, 'inbound'], [benLeg.uuid, 'outbound']])
    assert.ok(conversation.members.every((m) => m.leftAt !== undefined))
    const recording = conversation.recording!
    assert.ok(recording)
    assert.equal(recording.endedBy, 'conversation')
    assert.deepEqual(result.recordings, [recording])

    // Events after joining carry the conversation's uuid.
    const callerEvents = app.posts('/webhooks/event').filter((e) => e.uuid === call.uuid)
    assert.deepEqual(callerEvents.map((e) => e.status), ['started', 'ringing', 'answered', 'completed'])
    assert.equal(callerEvents[0]!.conversation_uuid, call.conversationUuid)
    assert.equal(callerEvents.at(-1)!.conversation_uuid, conversation.uuid)
    const benEvents = app.posts('/webhooks/staff-event').filter((e) => e.uuid === benLeg.uuid)
    assert.deepEqual(benEvents.map((e) => e.status), ['started', 'ringing', 'answered', 'completed'])
    for (const event of benEvents) {
      assert.equal(event.direction, 'outbound')
      assert.equal(event.from, VONAGE_NUMBER)
      assert.equal(event.to, ben)
    }
    assert.equal(benEvents[0]!.conversation_uuid, benLeg.conversationUuid)
    assert.equal(benEvents.at(-1)!.conversation_uuid, conversation.uuid)
    for (const field of ['start_time', 'end_time', 'duration', 'rate', 'price', 'network']) assert.ok(field in benEvents.at(-1)!, field)
    const staffAnswer = app.received.find((r) => r.path === '/webhooks/staff-answer')!
    assert.deepEqual(Object.fromEntries(staffAnswer.query), { to: ben, from: VONAGE_NUMBER, uuid: benLeg.uuid, conversation_uuid: benLeg.conversationUuid })
    assert.equal(verifySignature(staffAnswer.authorization!.replace('Bearer ', ''), sim.account.signatureSecret), true)

    // The recording event: signed, the conversation's uuid, a downloadable MP3 of the talk time.
    const recordingPosts = app.received.filter((r) => r.path === '/webhooks/recording')
    assert.equal(recordingPosts.length, 1)
    const post = recordingPosts[0]!
    assert.equal(verifySignature(post.authorization!.replace('Bearer ', ''), sim.account.signatureSecret), true)
    assert.equal(claimsOf(post.authorization).payload_hash, sha256(post.raw))
    const event = post.json!
    assert.deepEqual(Object.keys(event).sort(), ['conversation_uuid', 'end_time', 'recording_url', 'recording_uuid', 'size', 'start_time', 'timestamp'])
    assert.equal(event.conversation_uuid, conversation.uuid)
    assert.equal(event.recording_url, recording.url)
    const response = await fetch(String(event.recording_url), { headers: { authorization: `Bearer ${tokenGenerate(sim.account.applicationId, sim.account.privateKey)}` } })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'audio/mpeg')
    const mp3 = Buffer.from(await response.arrayBuffer())
    assert.equal(mp3.length, event.size)
    const frames = scanMp3(mp3)
    assert.ok(frames, 'an MP3')
    // The caller spoke for its whole second once Ben had joined.
    assert.ok(Math.abs(mp3DurationMs(frames, mp3) - 1000) < 150, `${mp3DurationMs(frames, mp3)} ms`)
  })

  it('nobody answers: every leg times out and the caller, transferred to a record NCCO, leaves a normal recording', async () => {
    app.staff = ['447700900211', '447700900212', '447700900213']
    for (const number of app.staff) sim.phones.set(number, { answer: 'never' })
    app.ringingTimer = 6 // two rings
    try {
      const result = await sim.placeCall({ ...app.urls, realtime: false, audio: callerAudioFromPcm(ramp(8000)) }).done
      await app.settled()
      await legsDone(sim)
      assert.equal(result.status, 'completed', result.error)
      for (const record of sim.outboundCalls) {
        assert.deepEqual(record.statuses, ['started', 'ringing', 'timeout'])
        assert.equal(record.hungUpBy, undefined)
      }
      assert.equal(result.transferred, true)
      assert.deepEqual(result.actions, ['talk', 'conversation', 'talk', 'record'])
      assert.deepEqual(result.spoken, [GREETING, VOICEMAIL])
      assert.equal(result.recordings.length, 1)
      assert.equal(result.recordings[0]!.endedBy, 'hangup')
      assert.equal(result.recordings[0]!.durationMs, 500)
      const recordingEvents = app.posts('/webhooks/recording')
      assert.equal(recordingEvents.length, 1)
      assert.equal(recordingEvents[0]!.recording_url, result.recordings[0]!.url)
      const conversation = sim.conversations.get(app.conversationName)!
      assert.equal(conversation.status, 'ended')
      assert.equal(conversation.startedAt, undefined)
      assert.equal(conversation.recording, undefined)
      assert.deepEqual(app.posts('/webhooks/event').map((e) => e.status), ['started', 'ringing', 'answered', 'completed'])
    } finally {
      app.ringingTimer = 120
    }
  })

  it('a caller who hangs up while waiting leaves the conversation: no recording; the ringing legs are cancelled', async () => {
    app.staff = ['447700900221', '447700900222']
    for (const number of app.staff) sim.phones.set(number, { answer: 'never' })
    const call = sim.placeCall({ ...app.urls, realtime: false, audio: callerAudioFromPcm(ramp(16000)) })
    await app.dialled
    await waitFor(() => sim.conversations.get(app.conversationName)?.members.length === 1, 'the caller to wait in the conversation')
    const conversation = sim.conversations.get(app.conversationName)!
    call.hangUp()
    const result = await call.done
    await app.settled()
    await legsDone(sim)
    assert.equal(conversation.status, 'ended')
    assert.equal(conversation.startedAt, undefined)
    assert.equal(conversation.recording, undefined)
    assert.equal(result.recordings.length, 0)
    assert.equal(app.posts('/webhooks/recording').length, 0)
    assert.deepEqual(result.conversations, [app.conversationName])
    assert.deepEqual(
      sim.outboundCalls.map((record) => [record.statuses.at(-1), record.hungUpBy]),
      [
        ['cancelled', 'app'],
        ['cancelled', 'app']
      ]
    )
  })

  it('an on-pick-up phone rings until the test picks it up, then joins; one never picked up rings until its ringing timer', async () => {
    const [dora, eli] = ['447700900231', '447700900232']
    app.staff = [dora, eli]
    sim.phones.set(dora, { answer: 'on-pick-up' }).set(eli, { answer: 'on-pick-up' })
    const call = sim.placeCall({ ...app.urls, realtime: false, audio: callerAudioFromPcm(ramp(8000)) })
    await app.dialled
    await waitFor(() => sim.outboundCalls.length === 2 && sim.outboundCalls.every((record) => record.statuses.includes('ringing')), 'both phones to ring')
    assert.equal(sim.phones.pickUp('447700900239'), 0, 'no phone of that number rings')
    assert.equal(sim.phones.pickUp(dora), 1)
    const result = await call.done
    await app.settled()
    await legsDone(sim)
    assert.equal(result.status, 'completed', result.error)
    assert.deepEqual(byNumber(sim, dora).statuses, ['started', 'ringing', 'answered', 'completed'])
    assert.equal(byNumber(sim, dora).conversation, app.conversationName)
    assert.deepEqual(byNumber(sim, eli).statuses, ['started', 'ringing', 'cancelled'])
    assert.equal(sim.phones.pickUp(eli), 0, 'a phone that stopped ringing cannot be picked up')

    // Nobody picks up: the ringing timer ends it, as a phone that never answers.
    app.reset()
    sim.outboundCalls.length = 0
    app.staff = [eli]
    app.ringingTimer = 6 // two rings
    try {
      const unanswered = await sim.placeCall({ ...app.urls, realtime: false, audio: callerAudioFromPcm(ramp(8000)) }).done
      await app.settled()
      await legsDone(sim)
      assert.equal(unanswered.status, 'completed', unanswered.error)
      assert.deepEqual(byNumber(sim, eli).statuses, ['started', 'ringing', 'timeout'])
    } finally {
      app.ringingTimer = 120
    }
  })

  it('a staff member who hangs up after talkMs ends the conversation for the caller; busy and failing phones; knobs for staff legs', async () => {
    const [busy, broken, ana] = ['447700900261', '447700900262', '447700900263']
    app.staff = [busy, broken, ana]
    app.holdMusicType = 'text/html'
    sim.phones.set(busy, { answer: 'busy' }).set(broken, { answer: 'fail' }).set(ana, { answer: 'after-rings', rings: 1, talkMs: 300 })
    sim.outboundFaults = { signing: 'none' }
    try {
      const call = sim.placeCall({ ...app.urls, realtime: false, audio: callerAudioFromPcm(ramp(32000)) })
      const result = await call.done
      await app.settled()
      await legsDone(sim)
      assert.equal(result.status, 'completed', result.error)
      assert.deepEqual(byNumber(sim, busy).statuses, ['started', 'ringing', 'busy'])
      assert.deepEqual(byNumber(sim, broken).statuses, ['started', 'ringing', 'failed'])
      const anaLeg = byNumber(sim, ana)
      assert.deepEqual(anaLeg.statuses, ['started', 'ringing', 'answered', 'completed'])
      assert.equal(anaLeg.hungUpBy, 'staff')
      // Ana's endOnExit ended the conversation: the caller was dropped long before its 2 s were said.
      const conversation = sim.conversations.get(app.conversationName)!
      const [caller, staff] = conversation.members
      assert.ok(caller!.leftAt! >= staff!.leftAt!)
      const recording = conversation.recording!
      assert.ok(recording.durationMs >= 250 && recording.durationMs < 1500, `${recording.durationMs} ms`)
      assert.ok(caller!.leftAt! - conversation.startedAt! < 1500, `the caller stayed ${caller!.leftAt! - conversation.startedAt!} ms`)
      assert.deepEqual(result.musicOnHold.map((m) => [m.status, m.contentType, m.playable]), [[200, 'text/html', false]])
      // The knob left staff legs' callbacks unsigned; the caller's are signed as ever.
      const staffCallbacks = app.received.filter((r) => r.path.startsWith('/webhooks/staff-'))
      assert.ok(staffCallbacks.length >= 10)
      assert.ok(staffCallbacks.every((r) => r.authorization === undefined))
      assert.ok(app.received.filter((r) => r.path === '/webhooks/event').every((r) => r.authorization !== undefined))
    } finally {
      sim.outboundFaults = {}
    }
  })

  it('runs an inline NCCO, speaks into a leg, answers GET, and refuses calls that have ended', async () => {
    sim.phones.set('447700900231', { answer: 'after-rings', rings: 0, talkMs: 60_000 })
    const vonage = new Vonage({ applicationId: sim.account.applicationId, privateKey: sim.account.privateKey }, { apiHost: sim.url })
    // Two staff legs meet in a conversation of their own; the first waits for the second.
    const name = `huddle-${randomUUID()}`
    const first = await vonage.voice.createOutboundCall({
      to: [{ type: 'phone', number: '447700900231' }],
      from: { type: 'phone', number: VONAGE_NUMBER },
      ncco: [{ action: 'conversation', name, startOnEnter: false }] as unknown as SdkNcco,
      eventUrl: [`${app.base}/webhooks/staff-event`]
    })
    assert.equal(first.status, 'started')
    assert.equal(first.direction, 'outbound')
    assert.match(first.conversationUUID, /^CON-[0-9a-f-]{36}$/)
    const record = sim.outboundCalls[0]!
    const conversation = () => sim.conversations.get(name)
    await waitFor(() => conversation()?.members.length === 1, 'the leg to join the conversation')
    await vonage.voice.playTTS(first.uuid, tts('You are first in the huddle.'))
    assert.equal((await vonage.voice.stopTTS(first.uuid)).message, 'Talk stopped')
    const details = await vonage.voice.getCall(first.uuid)
    assert.equal(details.uuid, first.uuid)
    assert.equal(details.status, 'answered')
    assert.equal(details.conversationUUID, conversation()!.uuid)
    await vonage.voice.hangupCall(first.uuid)
    await record.done
    assert.deepEqual(record.statuses, ['started', 'ringing', 'answered', 'completed'])
    assert.deepEqual(record.spoken, ['You are first in the huddle.'])
    assert.equal(record.hungUpBy, 'app')
    assert.equal(conversation()!.status, 'ended')
    await assert.rejects(vonage.voice.hangupCall(first.uuid), /400/)
    await assert.rejects(vonage.voice.playTTS(first.uuid, tts('Too late.')), /400/)
  })

  it('answers 404 for calls it does not know', async () => {
    const vonage = new Vonage({ applicationId: sim.account.applicationId, privateKey: sim.account.privateKey }, { apiHost: sim.url })
    await assert.rejects(vonage.voice.hangupCall(randomUUID()), /404/)
    await assert.rejects(vonage.voice.playTTS(randomUUID(), tts('Hello?')), /404/)
    await assert.rejects(vonage.voice.transferCallWithNCCO(randomUUID(), [{ action: 'talk', text: 'Hi' }] as unknown as SdkNcco), /404/)
    await assert.rejects(vonage.voice.getCall(randomUUID()), /404/)
  })

  it('refuses requests without the application JWT (401, Vonage-style error)', async () => {
    const body = JSON.stringify({ to: [{ type: 'phone', number: '447700900241' }], from: { type: 'phone', number: VONAGE_NUMBER }, ncco: [{ action: 'talk', text: 'Hi' }] })
    const post = (authorization?: string): Promise<Response> =>
      fetch(`${sim.url}/v1/calls`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body })
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey
    for (const authorization of [undefined, 'Bearer not-a-jwt', `Bearer ${tokenGenerate(sim.account.applicationId, otherKey)}`, `Bearer ${tokenGenerate(randomUUID(), sim.account.privateKey)}`]) {
      const response = await post(authorization)
      assert.equal(response.status, 401, authorization)
      const error = (await response.json()) as Record<string, unknown>
      assert.equal(error.title, 'Unauthorized')
      assert.ok(error.type && error.detail && error.instance)
    }
    const stranger = new Vonage({ applicationId: sim.account.applicationId, privateKey: otherKey }, { apiHost: sim.url })
    await assert.rejects(stranger.voice.hangupCall(randomUUID()), /401/)
    assert.equal((await fetch(`${sim.url}/v1/calls/${randomUUID()}/talk`, { method: 'PUT', body: '{}' })).status, 401)
    assert.equal(sim.outboundCalls.length, 0)
  })

  it('refuses malformed bodies (400, invalid_parameters)', async () => {
    const authorization = `Bearer ${tokenGenerate(sim.account.applicationId, sim.account.privateKey)}`
    const phone = (number: string) => ({ type: 'phone', number })
    const valid = { to: [phone('447700900251')], from: phone(VONAGE_NUMBER), answer_url: [`${app.base}/webhooks/staff-answer`] }
    const cases: Array<[string, unknown, string]> = [
      ['no to', { ...valid, to: undefined }, 'to'],
      ['to not an array', { ...valid, to: phone('447700900251') }, 'to'],
      ['a number with +', { ...valid, to: [phone('+447700900251')] }, 'to[0].number'],
      ['letters in the number', { ...valid, to: [phone('44770090ABCD')] }, 'to[0].number'],
      ['no from', { ...valid, from: undefined }, 'from'],
      ['answer_url a string', { ...valid, answer_url: `${app.base}/webhooks/staff-answer` }, 'answer_url'],
      ['event_url a string', { ...valid, event_url: `${app.base}/webhooks/staff-event` }, 'event_url'],
      ['neither ncco nor answer_url', { ...valid, answer_url: undefined }, 'answer_url'],
      ['ringing_timer too long', { ...valid, ringing_timer: 121 }, 'ringing_timer'],
      ['an unusable ncco', { ...valid, answer_url: undefined, ncco: [{ action: 'conversation' }] }, 'ncco'],
      ['not an object', [valid], 'body']
    ]
    for (const [label, body, parameter] of cases) {
      const response = await fetch(`${sim.url}/v1/calls`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      assert.equal(response.status, 400, label)
      const error = (await response.json()) as { title: string; invalid_parameters: Array<{ name: string }> }
      assert.equal(error.title, 'Bad Request', label)
      assert.ok(error.invalid_parameters.some((p) => p.name === parameter), `${label}: ${JSON.stringify(error.invalid_parameters)}`)
    }
    const notJson = await fetch(`${sim.url}/v1/calls`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: '{' })
    assert.equal(notJson.status, 400)
    assert.equal(sim.outboundCalls.length, 0)
  })

  it('ends an inbound call with an NCCO error for a conversation without a name', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify([{ action: 'conversation', startOnEnter: false }]))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const result = await sim.placeCall({ answerUrl: `${base}/answer`, eventUrl: `${base}/event`, realtime: false }).done
      assert.equal(result.status, 'failed')
      assert.match(result.error ?? '', /conversation\): name is required/)
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
