import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { signCallback, type CallResult } from '@voice-journal/vonage-sim'
import type { EntryDto } from '#shared/dto'
import { IntakeHarness, toneAudio } from '../helpers/intake-harness'
import { waitFor } from '../helpers/wait-for'

/** The entries a call's recordings became, in the order they were recorded (waits for all of them). */
async function entriesOf(harness: IntakeHarness, result: CallResult): Promise<EntryDto[]> {
  const uuids = result.recordings.map((recording) => recording.recordingUuid)
  const find = async (): Promise<EntryDto[]> => {
    const entries = await harness.entries()
    return uuids.flatMap((uuid) => entries.filter((entry) => entry.path.endsWith(`/${uuid}.mp3`)))
  }
  await waitFor(async () => (await find()).length === uuids.length, 'every recording of the call lands', 20_000)
  return find()
}

describe('record mode with several recordings per call', () => {
  let harness: IntakeHarness

  before(async () => {
    harness = await IntakeHarness.start('record')
    await harness.app.call('saveSettings', { severalRecordings: true, greeting: '' })
  })
  after(() => harness?.close())

  it('turns a call with three recordings into three entries that share one opaque call id', async () => {
    const segmentAudio = [toneAudio(1, 2), toneAudio(2, 2), toneAudio(3, 2)]
    const call = harness.placeCall({ dtmf: ['1', '1', ''], segmentAudio })
    const result = await call.done
    assert.equal(result.status, 'completed', result.error)
    assert.deepEqual(result.actions, ['record', 'talk', 'input', 'record', 'talk', 'input', 'record', 'talk', 'input', 'talk'])
    assert.ok(result.callbacks.filter((c) => c.kind === 'input').every((c) => c.status === 200), 'every input event is answered with an NCCO')
    assert.equal(result.recordings.length, 3)

    const entries = await entriesOf(harness, result)
    for (const [i, entry] of entries.entries()) {
      assert.equal(entry.source, 'record')
      assert.ok((await harness.app.audio(entry.path)).equals(result.recordings[i]!.bytes), `entry ${i + 1} is byte-identical to its recording`)
    }
    const callId = entries[0]!.callId
    assert.match(callId ?? '', /^[0-9a-f]{16}$/)
    assert.deepEqual(entries.map((entry) => entry.callId), [callId, callId, callId])

    // Another call is another id, even one with a single recording.
    const other = await harness.placeCall({ dtmf: [''], audio: toneAudio(4, 1) }).done
    assert.equal(other.status, 'completed', other.error)
    const [single] = await entriesOf(harness, other)
    assert.match(single!.callId ?? '', /^[0-9a-f]{16}$/)
    assert.notEqual(single!.callId, callId)

    // Nothing in the journal leads back to Vonage's ids or the caller.
    const journalText = JSON.stringify(await harness.entries()).toLowerCase()
    for (const secret of [call.conversationUuid, call.conversationUuid.replace(/^CON-/, ''), call.uuid, '447700900001']) {
      assert.ok(!journalText.includes(secret.toLowerCase()), `the journal does not hold ${secret}`)
    }
  })

  it('refuses unsigned and malformed input events, and answers nothing for them', async () => {
    const account = harness.simulator.account
    const event = JSON.stringify({ uuid: 'a'.repeat(32), conversation_uuid: 'CON-00000000-0000-4000-8000-000000000000', dtmf: { digits: '1', timed_out: false } })
    const before = (await harness.entries()).length

    const unsigned = await harness.post('/input?part=1', event)
    assert.equal(unsigned.status, 401)
    const forged = await harness.post('/input?part=1', event, signCallback(account, event, { secret: 'not-the-signature-secret-at-all' }))
    assert.equal(forged.status, 401)
    for (const body of ['{"uuid": "x"', JSON.stringify({ uuid: 'a'.repeat(32) }), JSON.stringify({ uuid: 'a'.repeat(32), dtmf: { digits: 'hello' } })]) {
      const response = await harness.post('/input?part=1', body, signCallback(account, body))
      assert.equal(response.status, 400, body)
      assert.ok(!Array.isArray(await response.json()), 'no NCCO for a malformed event')
    }
    const huge = JSON.stringify({ ...JSON.parse(event), padding: 'x'.repeat(20_000) })
    assert.equal((await harness.post('/input?part=1', huge, signCallback(account, huge))).status, 413, 'the body limit holds here too')
    // The part is ours (the NCCO's input URL): an event without a sensible one gets no NCCO either.
    for (const query of ['', '?part=0', '?part=abc']) assert.equal((await harness.post(`/input${query}`, event, signCallback(account, event))).status, 400, query)

    // The same event, signed and whole, is answered with the next recording.
    const signed = await harness.post('/input?part=1', event, signCallback(account, event))
    assert.equal(signed.status, 200)
    assert.deepEqual((await signed.json() as Array<{ action: string }>).map((action) => action.action), ['record', 'talk', 'input'])
    assert.equal((await harness.entries()).length, before, 'an input event adds nothing by itself')
  })
})
