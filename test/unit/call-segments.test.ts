import { strict as assert } from 'node:assert'
import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import * as v from 'valibot'
import { SettingsSchema, type Settings } from '#shared/settings-schema'
import { CallIds } from '../../src/main/intake/call-ids'
import { afterPromptNcco, firstRecordingNcco, MAX_RECORDINGS_PER_CALL, recordingNcco } from '../../src/main/intake/segments-ncco'
import { checkPayload, InputEventSchema, InputPartSchema } from '../../src/main/intake/webhook-payloads'
import { HELLO_MP3 } from '../helpers/fixtures'
import { openTempJournal } from '../helpers/journal-fixture'
import { makeTempDir } from '../helpers/temp-dir'

const BASE = 'https://journal.example'
const settings = (overrides: Partial<Settings> = {}): Settings => ({ ...v.parse(SettingsSchema, {}), severalRecordings: true, ...overrides })
const actionsOf = (ncco: Array<Record<string, unknown>>): unknown[] => ncco.map((action) => action.action)

describe('several recordings per call: the NCCOs', () => {
  it('answers with the greeting, a recording, the prompt and a one-key input that names the part', () => {
    const ncco = firstRecordingNcco({ settings: settings({ greeting: 'Hello.', endOnKey: '#', maxSeconds: 60 }), publicBase: BASE, callUuid: 'c', socketToken: 't' })
    assert.deepEqual(actionsOf(ncco), ['talk', 'record', 'talk', 'input'])
    assert.deepEqual(ncco[1], { action: 'record', format: 'mp3', beepStart: true, endOnKey: '#', timeOut: 60, eventUrl: [`${BASE}/webhooks/recording`], eventMethod: 'POST' })
    assert.equal(ncco[2]!.text, 'Saved. Press 1 to record another, or hang up.')
    assert.deepEqual(ncco[3], { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 1, timeOut: 5 }, eventUrl: [`${BASE}/webhooks/input?part=1`], eventMethod: 'POST' })
  })

  it('records another for 1, says goodbye for anything else, and stops at the limit', () => {
    const next = afterPromptNcco(settings(), BASE, 2, '1')
    assert.deepEqual(actionsOf(next), ['record', 'talk', 'input'])
    assert.deepEqual((next[2] as { eventUrl: string[] }).eventUrl, [`${BASE}/webhooks/input?part=3`])
    for (const digits of ['', '2', '#', '11']) assert.deepEqual(afterPromptNcco(settings(), BASE, 2, digits), [{ action: 'talk', text: 'Thank you. Your recordings are saved.', language: 'en-US' }])
    // Turned off, or switched to stream mode, in mid-call: the call ends politely.
    assert.deepEqual(actionsOf(afterPromptNcco(settings({ severalRecordings: false }), BASE, 1, '1')), ['talk'])
    assert.deepEqual(actionsOf(afterPromptNcco(settings({ mode: 'stream' }), BASE, 1, '1')), ['talk'])
    // The last recording allowed offers no other: it ends with the goodbye.
    assert.deepEqual(actionsOf(afterPromptNcco(settings(), BASE, MAX_RECORDINGS_PER_CALL - 1, '1')), ['record', 'talk'])
    assert.deepEqual(actionsOf(recordingNcco(settings(), BASE, MAX_RECORDINGS_PER_CALL)), ['record', 'talk'])
    assert.deepEqual(actionsOf(afterPromptNcco(settings(), BASE, MAX_RECORDINGS_PER_CALL, '1')), ['talk'])
  })

  it('takes input events as Vonage sends them and refuses malformed ones', () => {
    const good = { uuid: 'a'.repeat(32), conversation_uuid: `CON-${randomUUID()}`, dtmf: { digits: '1', timed_out: false }, from: '447700900001' }
    assert.equal(checkPayload(InputEventSchema, good).ok, true)
    const timedOut = checkPayload(InputEventSchema, { ...good, dtmf: { timed_out: true } })
    assert.ok(timedOut.ok && timedOut.value.dtmf.digits === '')
    for (const bad of [null, [], { ...good, uuid: undefined }, { ...good, dtmf: undefined }, { ...good, dtmf: { digits: 1 } }, { ...good, dtmf: { digits: 'x' } }, { ...good, dtmf: { digits: '1'.repeat(21) } }]) {
      assert.equal(checkPayload(InputEventSchema, bad).ok, false, JSON.stringify(bad))
    }
    assert.deepEqual(checkPayload(InputPartSchema, '3'), { ok: true, value: 3 })
    for (const bad of [undefined, '', '0', '-1', '1.5', '1e2', '1000', 'x']) assert.equal(checkPayload(InputPartSchema, bad).ok, false, String(bad))
  })
})

describe('call ids', () => {
  it('are stable for a call, differ between calls, hide the conversation, and keep their key private across restarts', async () => {
    const { dir, cleanup } = await makeTempDir()
    try {
      const file = join(dir, 'intake', 'call-id-key')
      const ids = await CallIds.load(file)
      const conversation = `CON-${randomUUID()}`
      const id = ids.of(conversation)
      assert.match(id, /^[0-9a-f]{16}$/)
      assert.equal(ids.of(conversation.toUpperCase()), id, 'case does not make another call')
      assert.equal((await CallIds.load(file)).of(conversation), id, 'the same after a restart')
      assert.notEqual(ids.of(`CON-${randomUUID()}`), id)
      assert.ok(!conversation.toLowerCase().includes(id))
      assert.equal((await stat(file)).mode & 0o777, 0o600)
      // Another data directory (another app) gives the same call another id.
      const other = await makeTempDir()
      try {
        assert.notEqual((await CallIds.load(join(other.dir, 'call-id-key'))).of(conversation), id)
      } finally {
        await other.cleanup()
      }
    } finally {
      await cleanup()
    }
  })
})

describe('call ids in the journal', () => {
  it('are kept in the metadata as `call`, shown as `callId`, kept by a rename, and ignored when a peer wrote something else', async () => {
    const fixture = await openTempJournal()
    try {
      const { journal } = fixture
      const added = await journal.addAudioFile(HELLO_MP3, { source: 'record', id: randomUUID(), callId: '0123456789abcdef' })
      assert.equal(added.callId, '0123456789abcdef')
      assert.equal(((await journal.drive.entry(added.path))?.value.metadata as { call?: string } | undefined)?.call, '0123456789abcdef')
      assert.equal('call' in added, false, 'the window sees callId only')
      assert.equal((await journal.renameEntry(added.path, 'Morning')).callId, '0123456789abcdef')
      const plain = await journal.addAudioFile(HELLO_MP3, { source: 'import' })
      assert.equal(plain.callId, undefined)
      // Not something this app writes (a peer's, or another version's): no group for it.
      await journal.drive.put('/recordings/2026/01/odd.mp3', Buffer.from('x'), { metadata: { mtime: 1, durationMs: 1, format: 'mp3', source: 'record', call: '<b>CON-1</b>' } })
      assert.equal((await journal.getEntry('/recordings/2026/01/odd.mp3'))?.callId, undefined)
    } finally {
      await fixture.cleanup()
    }
  })
})
