import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { signCallback, type CallResult, type OutboundCallRecord, type PhoneBehaviour } from '@voice-journal/vonage-sim'
import type { CallDto } from '#shared/intake'
import { IntakeHarness, toneAudio } from '../helpers/intake-harness'
import { readmeSignatureCheck } from '../helpers/readme-signature-check'
import { TeamReceiver } from '../helpers/team-receiver'
import { waitFor } from '../helpers/wait-for'

const SECRET = 'hotline-webhook-secret-0123456789'

/** What the generic webhook receives: the event as the app tells it, and its one line of text. */
interface TeamMessage {
  id: string
  type: string
  text: string
  event: { type: string; callId?: string; staffName?: string; outcome?: string; callerNumber?: string; entryPath?: string }
}

/** A staff member of one test: the name, the E.164 number, and how their phone answers. */
interface Staff {
  name: string
  number: string
  phone: PhoneBehaviour
}

describe('hotline mode: the caller waits, every staff phone rings, the first to answer joins, the conversation becomes an entry', () => {
  let harness: IntakeHarness
  // The team's chat (Slack's incoming-webhook format) and a generic signed webhook, on 127.0.0.1.
  let slack: TeamReceiver
  let webhook: TeamReceiver

  before(async () => {
    slack = await TeamReceiver.start()
    webhook = await TeamReceiver.start()
    // A ring is 50 ms here rather than 3 s: the phones behave the same, only faster.
    harness = await IntakeHarness.start('hotline', {
      simulator: { ringMs: 50 },
      env: { NOTIFY_SLACK_URL: slack.url, NOTIFY_WEBHOOK_URL: webhook.url, NOTIFY_WEBHOOK_SECRET: SECRET }
    })
  })
  after(async () => {
    await harness?.close()
    await slack?.close()
    await webhook?.close()
  })

  /** The generic webhook's messages about one hotline call (by the call id its call-started message gave). */
  const webhookMessages = (): TeamMessage[] => webhook.acknowledged.map((message) => JSON.parse(message.body) as TeamMessage)
  function messagesOfCall(sinceCount: number, callIndex = 0): TeamMessage[] {
    const recent = webhookMessages().slice(sinceCount)
    const callId = recent.filter((message) => message.type === 'call-started')[callIndex]?.event.callId
    return callId ? recent.filter((message) => message.event.callId === callId) : []
  }

  /** Each test has its own staff numbers (`base` + i), so their legs never mix with another test's. */
  async function setUpHotline(staff: Staff[], settings: Record<string, unknown> = {}): Promise<void> {
    for (const member of staff) harness.simulator.phones.set(member.number.slice(1), member.phone)
    await harness.app.call('saveSettings', {
      hotlineName: 'Code of conduct',
      hotlineGreeting: 'Hello.',
      hotlineStaff: staff.map(({ name, number }) => ({ name, number })),
      ringSeconds: 30,
      hotlineNoAnswer: 'voicemail',
      ...settings
    })
  }

  const legsTo = (staff: Staff[], since: number): OutboundCallRecord[] =>
    harness.simulator.outboundCalls.filter((leg) => leg.requestedAt >= since && staff.some((member) => member.number.slice(1) === leg.to))
  const legOf = (legs: OutboundCallRecord[], member: Staff): OutboundCallRecord => legs.find((leg) => leg.to === member.number.slice(1))!
  const callInLog = async (uuid: string): Promise<CallDto | undefined> => (await harness.app.call<CallDto[]>('listCalls')).find((call) => call.uuid === uuid)

  async function entryOf(result: CallResult): Promise<{ path: string; bytes: Buffer }> {
    const conversation = harness.simulator.conversations.get(result.conversations[0]!)!
    await conversation.finished
    const recording = conversation.recording ?? result.recordings[0]!
    const month = recording.startTime.slice(5, 7)
    const path = `/recordings/${recording.startTime.slice(0, 4)}/${month}/${recording.recordingUuid}.mp3`
    await waitFor(async () => (await harness.entries()).some((entry) => entry.path === path), 'the recording lands as an entry', 20_000)
    return { path, bytes: recording.bytes }
  }

  it('rings three staff at once: one declines, one answers after two rings, one never answers; the answer is whispered to, the caller told, the others hung up', async () => {
    const ana: Staff = { name: 'Ana', number: '+447700900201', phone: { answer: 'decline' } }
    const ben: Staff = { name: 'Ben', number: '+447700900202', phone: { answer: 'after-rings', rings: 2 } }
    const chloe: Staff = { name: 'Chloe', number: '+447700900203', phone: { answer: 'never' } }
    const staff = [ana, ben, chloe]
    await setUpHotline(staff)
    const since = Date.now()
    const [slackBefore, webhookBefore] = [slack.acknowledged.length, webhook.acknowledged.length]
    const call = harness.placeCall({ audio: toneAudio(21, 2) })
    const result = await call.done
    assert.equal(result.status, 'completed', result.error)

    // The caller: greeting, then a conversation of their own with music, recorded; told who joins.
    assert.deepEqual(result.actions.slice(0, 2), ['talk', 'conversation'])
    assert.equal(result.spoken[0], 'Hello.')
    assert.equal(result.conversations.length, 1)
    assert.ok(result.musicOnHold.length >= 1 && result.musicOnHold.every((music) => music.status === 200 && music.playable), JSON.stringify(result.musicOnHold))
    assert.ok(result.spoken.includes('Ben is joining this call.'), `the caller heard: ${result.spoken.join(' | ')}`)

    // Every staff phone was rung from the hotline's number; each leg did what its phone does.
    const legs = legsTo(staff, since)
    assert.equal(legs.length, 3)
    await Promise.all(legs.map((leg) => leg.done))
    assert.ok(legOf(legs, ana).statuses.includes('rejected'), legOf(legs, ana).statuses.join(','))
    assert.match(legOf(legs, ben).spoken[0] ?? '', /^Hello Ben, connecting you to the Code of conduct hotline\.$/)
    assert.deepEqual(legOf(legs, ben).conversations, result.conversations, 'Ben joined the caller’s conversation')
    assert.ok(legOf(legs, chloe).statuses.includes('cancelled'), legOf(legs, chloe).statuses.join(','))
    assert.equal(legOf(legs, chloe).hungUpBy, 'app', 'the app hung up the phone still ringing')
    assert.ok(legs.every((leg) => leg.from === '447700900000'), 'staff see the number the caller dialled')
    assert.ok(!legOf(legs, ben).spoken.join(' ').includes('447700900001'), 'the caller’s number is not told unless allowed')

    // The recorded conversation is an entry like any other, and plays.
    const entry = await entryOf(result)
    assert.ok((await harness.app.audio(entry.path)).equals(entry.bytes), 'the entry is the conversation’s recording')
    const journalText = JSON.stringify(await harness.entries())
    for (const secret of ['447700900001', 'Ben', 'Ana', 'Chloe', call.uuid]) assert.ok(!journalText.includes(secret), `the journal does not hold ${secret}`)

    // The ledger: who was rung and what each did, who answered and how long the caller waited.
    await waitFor(async () => (await callInLog(call.uuid))?.entryPath === entry.path, 'the ledger links the entry')
    const logged = (await callInLog(call.uuid))!
    const ledger = logged.hotline!
    assert.equal(ledger.outcome, 'answered')
    assert.equal(ledger.answeredBy, 'Ben')
    assert.ok(ledger.waitedMs! >= 100 && ledger.waitedMs! < 10_000, `waited ${ledger.waitedMs} ms (two rings of 50 ms and the dial)`)
    assert.deepEqual(
      ledger.rung.map((member) => [member.name, member.status]),
      [
        ['Ana', 'rejected'],
        ['Ben', 'completed'],
        ['Chloe', 'cancelled']
      ]
    )
    const { csv } = await harness.app.call<{ csv: string }>('exportCallsCsv')
    const row = csv.split('\r\n').find((line) => line.startsWith(call.uuid))!
    assert.match(row, /,Code of conduct,answered,Ben,\d+\.\d,Ana: rejected; Ben: completed; Chloe: cancelled$/)

    // The team was told: the call started (no number: not allowed by default), Ben answered, the new entry.
    await waitFor(() => messagesOfCall(webhookBefore).length === 2 && webhookMessages().slice(webhookBefore).some((m) => m.event.entryPath === entry.path), 'the webhook is told of the call and the entry', 20_000)
    const told = messagesOfCall(webhookBefore)
    assert.deepEqual(told.map((message) => message.type), ['call-started', 'call-answered'])
    assert.equal(told[0]!.event.callerNumber, undefined)
    assert.equal(told[1]!.event.staffName, 'Ben')
    assert.match(told[1]!.text, /Hotline Code of conduct: Ben answered after \d+ s/)
    const check = await readmeSignatureCheck()
    for (const message of webhook.acknowledged.slice(webhookBefore)) assert.equal(check(SECRET, message.headers, message.body), true, 'each message is signed with the secret')
    await waitFor(() => slack.acknowledged.length >= slackBefore + 3, 'Slack is told the same three things', 20_000)
    const slackTexts = slack.acknowledged.slice(slackBefore).map((message) => (JSON.parse(message.body) as { text: string }).text)
    assert.ok(slackTexts.some((text) => /Hotline \*Code of conduct\*: a call started$/.test(text)), slackTexts.join(' | '))
    assert.ok(slackTexts.some((text) => /Hotline \*Code of conduct\*: Ben answered after/.test(text)), slackTexts.join(' | '))
    assert.ok(slackTexts.some((text) => /^🎙️ New entry in /.test(text)), slackTexts.join(' | '))
    assert.ok(!slackTexts.join(' ').includes('447700900001'), 'nobody was told the caller’s number')
  })

  it('sends the caller to voicemail when nobody answers; the message is an entry and the ledger says so', async () => {
    const dan: Staff = { name: 'Dan', number: '+447700900211', phone: { answer: 'never' } }
    const eve: Staff = { name: 'Eve', number: '+447700900212', phone: { answer: 'busy' } }
    // This time staff may know who calls: the team's messages say so.
    await setUpHotline([dan, eve], { ringSeconds: 5, showCallerNumber: true })
    const webhookBefore = webhook.acknowledged.length
    const call = harness.placeCall({ audio: toneAudio(22, 2), from: '447700900077' })
    const path = await harness.voicemailLanded(await call.done)
    const ledger = (await callInLog(call.uuid))!.hotline!
    assert.equal(ledger.outcome, 'voicemail')
    assert.equal(ledger.answeredBy, undefined)
    assert.deepEqual(
      ledger.rung.map((member) => [member.name, member.status]),
      [
        ['Dan', 'timeout'],
        ['Eve', 'busy']
      ]
    )
    await waitFor(() => messagesOfCall(webhookBefore).length === 2, 'the webhook is told of the call and the missed call', 20_000)
    const [started, missed] = messagesOfCall(webhookBefore)
    assert.equal(started!.event.callerNumber, '447700900077')
    assert.equal(missed!.type, 'call-missed')
    assert.equal(missed!.event.outcome, 'voicemail')
    assert.match(missed!.text, /missed call, nobody answered within \d+ s, so the caller could leave a message/)
    await waitFor(() => webhookMessages().slice(webhookBefore).some((message) => message.event.entryPath === path), 'the webhook is told of the message’s entry', 20_000)
  })

  it('a caller who hangs up while waiting abandons the call: the ringing phones are hung up, nothing is recorded', async () => {
    const finn: Staff = { name: 'Finn', number: '+447700900221', phone: { answer: 'never' } }
    await setUpHotline([finn])
    const since = Date.now()
    const webhookBefore = webhook.acknowledged.length
    const call = harness.placeCall({ audio: toneAudio(23, 2) })
    await waitFor(() => legsTo([finn], since)[0]?.statuses.includes('ringing') ?? false, 'Finn’s phone rings')
    call.hangUp()
    const result = await call.done
    assert.equal(result.recordings.length, 0)
    const leg = legsTo([finn], since)[0]!
    await leg.done
    assert.ok(leg.statuses.includes('cancelled'), leg.statuses.join(','))
    await waitFor(async () => (await callInLog(call.uuid))?.hotline?.outcome === 'abandoned', 'the ledger says abandoned')
    await waitFor(() => messagesOfCall(webhookBefore).some((message) => message.event.outcome === 'abandoned'), 'the team is told of the missed call')
    // The hung-up phone's own event follows the caller's.
    await waitFor(async () => (await callInLog(call.uuid))?.hotline?.rung[0]?.status === 'cancelled', 'the ledger says Finn’s phone was hung up')
    assert.equal((await callInLog(call.uuid))!.entryPath, undefined, 'no entry')
  })

  it('keeps two hotline calls at once apart: each its own conversation, staff, announcement and entry', async () => {
    const gus: Staff = { name: 'Gus', number: '+447700900231', phone: { answer: 'after-rings', rings: 1 } }
    await setUpHotline([gus])
    const webhookBefore = webhook.acknowledged.length
    const calls = [harness.placeCall({ audio: toneAudio(24, 2), from: '447700900031' }), harness.placeCall({ audio: toneAudio(25, 3), from: '447700900032' })]
    const results = await Promise.all(calls.map((call) => call.done))
    const [first, second] = results as [CallResult, CallResult]
    assert.notEqual(first.conversations[0], second.conversations[0], 'two conversations')
    for (const result of results) assert.ok(result.spoken.includes('Gus is joining this call.'))
    const entries = await Promise.all(results.map((result) => entryOf(result)))
    assert.notEqual(entries[0]!.path, entries[1]!.path)
    for (const entry of entries) assert.ok((await harness.app.audio(entry.path)).equals(entry.bytes), 'each entry is its own call’s conversation')
    for (const [index, call] of calls.entries()) {
      await waitFor(async () => (await callInLog(call.uuid))?.entryPath === entries[index]!.path, 'each call is linked to its own entry')
      assert.equal((await callInLog(call.uuid))!.hotline!.answeredBy, 'Gus')
    }
    // The team hears of two calls, each started and answered under its own id.
    await waitFor(() => messagesOfCall(webhookBefore, 0).length === 2 && messagesOfCall(webhookBefore, 1).length === 2, 'the team is told of both calls')
    assert.notEqual(messagesOfCall(webhookBefore, 0)[0]!.event.callId, messagesOfCall(webhookBefore, 1)[0]!.event.callId)
  })

  it('an unsigned, forged or malformed staff event changes nothing', async () => {
    const hana: Staff = { name: 'Hana', number: '+447700900241', phone: { answer: 'never' } }
    // Two minutes of ringing (40 rings of 50 ms here): long enough that only a forged event could end it meanwhile.
    await setUpHotline([hana], { ringSeconds: 120 })
    const since = Date.now()
    const call = harness.placeCall({ audio: toneAudio(26, 2) })
    await waitFor(() => legsTo([hana], since)[0]?.statuses.includes('ringing') ?? false, 'Hana’s phone rings')
    const leg = legsTo([hana], since)[0]!
    const eventUrl = String((leg.request.event_url as string[])[0])
    const answerUrl = String((leg.request.answer_url as string[])[0])
    const body = JSON.stringify({ uuid: leg.uuid, status: 'rejected', direction: 'outbound', timestamp: new Date().toISOString() })
    // The app has heard the phone ring (the simulator's record says so first).
    await waitFor(async () => (await callInLog(call.uuid))?.hotline?.rung[0]?.status === 'ringing', 'the ledger says Hana’s phone rings')
    const unsigned = await fetch(eventUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
    assert.equal(unsigned.status, 401)
    const forged = await fetch(eventUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: signCallback({ ...harness.simulator.account, signatureSecret: 'not-the-secret-0123456789' }, body) },
      body
    })
    assert.equal(forged.status, 401)
    // A forged answer cannot take the call either.
    const forgedAnswer = await fetch(`${answerUrl}&uuid=${leg.uuid}`)
    assert.equal(forgedAnswer.status, 401)
    const badQuery = await fetch(eventUrl.replace(/call=[0-9a-f]+/, 'call=not-a-call-id'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: signCallback(harness.simulator.account, body) },
      body
    })
    assert.equal(badQuery.status, 400)
    // Each forged event said Hana declined: had one counted, the ledger would say so and the caller be sent to voicemail.
    const after = (await callInLog(call.uuid))!.hotline!
    assert.equal(after.rung[0]?.status, 'ringing', 'Hana’s phone still rings in the ledger')
    assert.equal(after.outcome, undefined, 'the call is still waiting')
    assert.equal(harness.simulator.outboundCalls.filter((record) => record === leg).length, 1)
    call.hangUp()
    await call.done
  })

  it('refuses a staff number that is not E.164, naming the field, and changes nothing', async () => {
    const before = await harness.app.call('getSettings')
    const refusal = await fetch(`${harness.app.origin}/api/saveSettings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${harness.app.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ hotlineStaff: [{ name: 'Ivy', number: '07700 900123' }] })
    })
    assert.equal(refusal.status, 400)
    const { error } = (await refusal.json()) as { error: { message: string; field?: string } }
    assert.equal(error.field, 'hotlineStaff')
    assert.match(error.message, /international format starting with \+/)
    assert.deepEqual(await harness.app.call('getSettings'), before)
  })
})
