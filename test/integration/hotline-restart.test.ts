import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { OutboundCallRecord, PhoneBehaviour } from '@voice-journal/vonage-sim'
import type { CallDto } from '#shared/intake'
import { IntakeHarness, toneAudio } from '../helpers/intake-harness'
import { waitFor } from '../helpers/wait-for'

/** A staff member of one test: the name, the E.164 number, and how their phone answers. */
interface Staff {
  name: string
  number: string
  phone: PhoneBehaviour
}

/**
 * Each test has an app of its own, restarted on the same data directory and webhook port while
 * its caller waits. Phones ring in real time here (3 s a ring): a restart takes seconds, and the
 * phones must still ring (or, in one test, stop ringing) across it.
 */
async function hotlineApp(staff: Staff[], settings: Record<string, unknown>): Promise<IntakeHarness> {
  const harness = await IntakeHarness.start('hotline', { keepWebhookPort: true })
  for (const member of staff) harness.simulator.phones.set(member.number.slice(1), member.phone)
  await harness.app.call('saveSettings', {
    hotlineName: 'Code of conduct',
    hotlineGreeting: 'Hello.',
    hotlineStaff: staff.map(({ name, number }) => ({ name, number })),
    hotlineNoAnswer: 'voicemail',
    ...settings
  })
  return harness
}

const callInLog = async (harness: IntakeHarness, uuid: string): Promise<CallDto | undefined> => (await harness.app.call<CallDto[]>('listCalls')).find((call) => call.uuid === uuid)
const legOf = (harness: IntakeHarness, member: Staff): OutboundCallRecord => harness.simulator.outboundCalls.find((leg) => leg.to === member.number.slice(1))!

/** The hotline's lines of one call in the call log file, as written (what the ledger is made of). */
async function hotlineLines(harness: IntakeHarness, uuid: string): Promise<Array<{ kind: string; outcome?: string; answeredBy?: string }>> {
  const text = await readFile(join(harness.dataDir, 'intake', 'calls.jsonl'), 'utf8')
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string; uuid?: string })
    .filter((line) => line.uuid === uuid && ['hotline', 'staff', 'outcome'].includes(line.kind))
}

/** Until the ledger says every staff phone rings (each leg's uuid is on disk with it). */
async function untilRinging(harness: IntakeHarness, uuid: string, staff: Staff[]): Promise<void> {
  await waitFor(async () => {
    const rung = (await callInLog(harness, uuid))?.hotline?.rung ?? []
    return rung.length === staff.length && rung.every((member) => member.status === 'ringing')
  }, 'the ledger says every phone rings')
}

describe('hotline mode: a call in progress survives a restart of the app', () => {
  it('a staff member who answers after a restart is put through to the waiting caller; the ledger says so once', async () => {
    const ana: Staff = { name: 'Ana', number: '+447700900301', phone: { answer: 'on-pick-up' } }
    const ben: Staff = { name: 'Ben', number: '+447700900302', phone: { answer: 'on-pick-up' } }
    const harness = await hotlineApp([ana, ben], { ringSeconds: 60 })
    try {
      const call = harness.placeCall({ audio: toneAudio(31, 2) })
      await untilRinging(harness, call.uuid, [ana, ben])
      await harness.restart()

      assert.equal(harness.simulator.phones.pickUp(ana.number.slice(1)), 1, 'Ana’s phone still rang')
      const result = await call.done
      assert.equal(result.status, 'completed', result.error)
      assert.ok(result.spoken.includes('Ana is joining this call.'), `the caller heard: ${result.spoken.join(' | ')}`)
      const anaLeg = legOf(harness, ana)
      const benLeg = legOf(harness, ben)
      await Promise.all([anaLeg.done, benLeg.done])
      assert.match(anaLeg.spoken[0] ?? '', /^Hello Ana, connecting you to the Code of conduct hotline\.$/)
      assert.deepEqual(anaLeg.conversations, result.conversations, 'Ana joined the caller’s conversation')
      assert.ok(benLeg.statuses.includes('cancelled'), benLeg.statuses.join(','))
      assert.equal(benLeg.hungUpBy, 'app', 'the restarted app hung up the phone still ringing')
      assert.equal(result.transferred, false, 'the caller was not sent to voicemail')

      // The conversation's recording is an entry, linked in the ledger, which tells one story.
      const conversation = harness.simulator.conversations.get(result.conversations[0]!)!
      await conversation.finished
      const recording = conversation.recording!
      const path = `/recordings/${recording.startTime.slice(0, 4)}/${recording.startTime.slice(5, 7)}/${recording.recordingUuid}.mp3`
      await waitFor(async () => (await callInLog(harness, call.uuid))?.entryPath === path, 'the recording lands as an entry, linked in the ledger', 20_000)
      await waitFor(async () => (await callInLog(harness, call.uuid))?.hotline?.rung.every((member) => member.status !== 'ringing') ?? false, 'the ledger has each phone’s last event')
      const ledger = (await callInLog(harness, call.uuid))!.hotline!
      assert.equal(ledger.outcome, 'answered')
      assert.equal(ledger.answeredBy, 'Ana')
      assert.deepEqual(
        ledger.rung.map((member) => [member.name, member.status]),
        [
          ['Ana', 'completed'],
          ['Ben', 'cancelled']
        ]
      )
      const lines = await hotlineLines(harness, call.uuid)
      assert.deepEqual(
        lines.filter((line) => line.kind !== 'staff').map((line) => [line.kind, line.outcome, line.answeredBy]),
        [
          ['hotline', undefined, undefined],
          ['outcome', 'answered', 'Ana']
        ],
        'one start and one outcome'
      )
    } finally {
      await harness.close()
    }
  })

  it('after a crash, nobody answers: once the ring time is over the caller is sent to voicemail and the message lands', async () => {
    const cleo: Staff = { name: 'Cleo', number: '+447700900311', phone: { answer: 'never' } }
    const harness = await hotlineApp([cleo], { ringSeconds: 5 })
    try {
      const call = harness.placeCall({ audio: toneAudio(32, 2) })
      await untilRinging(harness, call.uuid, [cleo])
      await harness.app.kill()
      // Cleo's phone stops ringing while the app is down: that event is lost, as with Vonage, and
      // only the re-armed ring timer can settle the call.
      const cleoLeg = legOf(harness, cleo)
      await cleoLeg.done
      assert.deepEqual(cleoLeg.statuses, ['started', 'ringing', 'timeout'])
      assert.ok(cleoLeg.callbacks.at(-1)?.error, 'the timeout event reached nobody')
      await harness.startApp()

      await harness.voicemailLanded(await call.done)

      const ledger = (await callInLog(harness, call.uuid))!.hotline!
      assert.equal(ledger.outcome, 'voicemail')
      assert.equal(ledger.answeredBy, undefined)
      assert.ok(ledger.waitedMs! >= 5000, `the caller waited the ring time (${ledger.waitedMs} ms)`)
      assert.deepEqual(
        ledger.rung.map((member) => [member.name, member.status]),
        [['Cleo', 'timeout']]
      )
      const outcomes = (await hotlineLines(harness, call.uuid)).filter((line) => line.kind === 'outcome')
      assert.deepEqual(
        outcomes.map((line) => line.outcome),
        ['voicemail']
      )
    } finally {
      await harness.close()
    }
  })

  it('a caller who hangs up after a restart abandons the call: the phone still ringing is hung up', async () => {
    const dan: Staff = { name: 'Dan', number: '+447700900321', phone: { answer: 'on-pick-up' } }
    const harness = await hotlineApp([dan], { ringSeconds: 60 })
    try {
      const call = harness.placeCall({ audio: toneAudio(33, 2) })
      await untilRinging(harness, call.uuid, [dan])
      await harness.restart()
      call.hangUp()
      const result = await call.done
      assert.equal(result.recordings.length, 0)
      const danLeg = legOf(harness, dan)
      await danLeg.done
      assert.ok(danLeg.statuses.includes('cancelled'), danLeg.statuses.join(','))
      assert.equal(danLeg.hungUpBy, 'app')
      await waitFor(async () => (await callInLog(harness, call.uuid))?.hotline?.rung[0]?.status === 'cancelled', 'the ledger says Dan’s phone was hung up')
      const ledger = (await callInLog(harness, call.uuid))!.hotline!
      assert.equal(ledger.outcome, 'abandoned')
      assert.equal((await callInLog(harness, call.uuid))!.entryPath, undefined, 'no entry')
      const outcomes = (await hotlineLines(harness, call.uuid)).filter((line) => line.kind === 'outcome')
      assert.deepEqual(
        outcomes.map((line) => line.outcome),
        ['abandoned']
      )
    } finally {
      await harness.close()
    }
  })
})
