import { strict as assert } from 'node:assert'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { signCallback, SIGNING_MODES } from '@voice-journal/vonage-sim'
import type { JournalStatus } from '#shared/dto'
import type { IntakeStatus } from '#shared/intake'
import { IntakeHarness, toneAudio } from '../helpers/intake-harness'

/** Hostile or broken input on the internet-facing port: a clear refusal, and nothing changes. */
describe('webhook hardening', () => {
  let harness: IntakeHarness
  let baseline: JournalStatus
  const unchanged = async (): Promise<void> => {
    assert.deepEqual(await harness.app.call<JournalStatus>('getStatus'), baseline, 'the journal is unchanged')
    assert.deepEqual((await harness.app.call<IntakeStatus>('getIntakeStatus')).downloads, [], 'nothing was queued')
  }
  const recordingEvent = (overrides: Record<string, unknown> = {}): string =>
    JSON.stringify({
      start_time: '2026-05-01T10:00:00Z',
      recording_url: `${harness.simulator.url}/v1/files/${randomUUID()}`,
      size: 1000,
      recording_uuid: randomUUID(),
      conversation_uuid: `CON-${randomUUID()}`,
      timestamp: '2026-05-01T10:01:00.000Z',
      ...overrides
    })

  before(async () => {
    harness = await IntakeHarness.start('record')
    baseline = await harness.app.call<JournalStatus>('getStatus')
  })
  after(() => harness?.close())

  // Every forged or broken signature the simulator can make, including any added later.
  for (const signing of SIGNING_MODES.filter((mode) => mode !== 'valid')) {
    it(`refuses a call whose callbacks are signed "${signing}" (401) and records nothing`, async () => {
      const callsBefore = await harness.app.call('listCalls')
      const result = await harness.placeCall({ audio: toneAudio(1, 1), signing }).done
      assert.equal(result.status, 'failed')
      const answer = result.callbacks.find((c) => c.kind === 'answer')
      // The unsigned GET answer has no body to bind, so it is the event and recording posts that prove this.
      const refused = result.callbacks.filter((c) => c.status === 401)
      assert.ok(refused.length > 0 || answer?.status === 401, `some callback was refused: ${JSON.stringify(result.callbacks.map((c) => [c.kind, c.status]))}`)
      for (const callback of result.callbacks.filter((c) => c.kind !== 'answer')) assert.equal(callback.status, 401, `${callback.kind} refused`)
      await unchanged()
      assert.deepEqual(await harness.app.call('listCalls'), callsBefore, 'no call events were logged')
    })
  }

  it('refuses recording events that would reach outside Vonage or the journal, before any request goes out', async () => {
    const downloadsBefore = harness.simulator.downloads.length
    const cases: Array<[string, RegExp]> = [
      [recordingEvent({ recording_uuid: '../../../etc/passwd' }), /UUID/],
      [recordingEvent({ recording_url: '' }), /empty/],
      [recordingEvent({ recording_url: 'https://attacker.example/v1/files/x' }), /not on a Vonage API host/],
      [recordingEvent({ recording_url: 'http://169.254.169.254/v1/files/x' }), /not on a Vonage API host/],
      [recordingEvent({ recording_url: 'https://api.nexmo.com.attacker.example/v1/files/x' }), /not on a Vonage API host/]
    ]
    for (const [body, message] of cases) {
      const response = await harness.post('/recording', body, signCallback(harness.simulator.account, body))
      assert.equal(response.status, 400, body)
      assert.match(((await response.json()) as { error: string }).error, message)
    }
    assert.equal(harness.simulator.downloads.length, downloadsBefore, 'no download was attempted')
    await unchanged()
  })

  it('answers malformed and oversized bodies with 400 and 413', async () => {
    const malformed = '{"recording_uuid": '
    const bad = await harness.post('/recording', malformed, signCallback(harness.simulator.account, malformed))
    assert.equal(bad.status, 400)
    assert.match(((await bad.json()) as { error: string }).error, /JSON/)
    const huge = JSON.stringify({ pad: 'x'.repeat(100_000) })
    assert.equal((await harness.post('/event', huge, signCallback(harness.simulator.account, huge))).status, 413)
    const notAnEvent = JSON.stringify({ hello: 'world' })
    assert.equal((await harness.post('/event', notAnEvent, signCallback(harness.simulator.account, notAnEvent))).status, 400)
    await unchanged()
  })

  it('refuses a call from a number not on the allowed list with a spoken refusal', async () => {
    await harness.app.call('saveSettings', { allowedCallers: ['+44 7700 900999'] })
    try {
      const result = await harness.placeCall({ audio: toneAudio(2, 1), from: '447700900001' }).done
      assert.deepEqual(result.actions, ['talk'], 'the NCCO only says goodbye')
      await unchanged()
    } finally {
      await harness.app.call('saveSettings', { allowedCallers: [] })
    }
  })
})
