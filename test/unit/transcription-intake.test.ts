import { strict as assert } from 'node:assert'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import * as v from 'valibot'
import { SettingsSchema, type Settings } from '#shared/settings-schema'
import { callerNcco, voicemailNcco } from '../../src/main/hotline/hotline-ncco'
import { recordNcco } from '../../src/main/intake/ncco'
import { recordingNcco } from '../../src/main/intake/segments-ncco'
import { parseTranscriptionEvent, TranscriptionEventError } from '../../src/main/intake/transcription-event'

const BASE = 'https://journal.example.org'
const settings = (overrides: Partial<Settings> = {}): Settings => ({ ...v.parse(SettingsSchema, {}), ...overrides })
const context = (s: Settings) => ({ settings: s, publicBase: BASE, callUuid: 'c', socketToken: 't' })
const records = (actions: Array<Record<string, unknown>>) => actions.filter((action) => action.action === 'record')

describe('transcription in the NCCOs the app sends', () => {
  it('is off by default: no record asks for it', () => {
    assert.equal(settings().transcriptionLanguage, '')
    for (const record of [...records(recordNcco(context(settings()))), ...records(voicemailNcco(settings(), BASE))]) assert.equal(record.transcription, undefined)
  })

  it('asks every record action for it in the chosen language, to /webhooks/transcription', () => {
    const on = settings({ transcriptionLanguage: 'fr-FR' })
    const expected = { language: 'fr-FR', eventUrl: [`${BASE}/webhooks/transcription`], eventMethod: 'POST' }
    const all = [...records(recordNcco(context(on))), ...records(recordingNcco(on, BASE, 1)), ...records(recordingNcco(on, BASE, 20)), ...records(voicemailNcco(on, BASE))]
    assert.equal(all.length, 4)
    for (const record of all) assert.deepEqual(record.transcription, expected)
    // Vonage documents transcription for `record` only: the hotline's conversation goes without.
    const conversation = callerNcco(on, BASE, 'hotline-1').find((action) => action.action === 'conversation')!
    assert.equal(conversation.transcription, undefined)
  })

  it('takes only the listed languages', () => {
    assert.equal(v.safeParse(SettingsSchema, { transcriptionLanguage: 'en-GB' }).success, true)
    for (const language of ['english', 'en_US', 'xx-XX', 'en-US; rm -rf']) assert.equal(v.safeParse(SettingsSchema, { transcriptionLanguage: language }).success, false, language)
  })
})

describe('transcription events', () => {
  const uuid = randomUUID()
  const event = (fields: Record<string, unknown> = {}) => ({ conversation_uuid: 'CON-1', recording_uuid: uuid.toUpperCase(), status: 'transcribed', transcription_url: 'https://api.nexmo.com/v1/files/abc-1', type: 'record', ...fields })

  it('become a job naming the recording (lower case) and the URL', () => {
    const job = parseTranscriptionEvent(event(), '', 1234)
    assert.deepEqual(job, { recordingUuid: uuid, url: 'https://api.nexmo.com/v1/files/abc-1', receivedAt: 1234, conversationUuid: 'CON-1' })
    assert.equal(parseTranscriptionEvent(event({ transcription_url: 'http://127.0.0.1:9000/v1/files/x' }), 'http://127.0.0.1:9000').url, 'http://127.0.0.1:9000/v1/files/x')
  })

  it('are refused when the URL is not a Vonage file, or a field is wrong', () => {
    const refused = [
      event({ transcription_url: 'https://evil.example.com/v1/files/abc' }),
      event({ transcription_url: 'http://api.nexmo.com/v1/files/abc' }),
      event({ transcription_url: 'https://api.nexmo.com/v1/calls/abc' }),
      event({ transcription_url: 'https://user:pw@api.nexmo.com/v1/files/abc' }),
      event({ transcription_url: 'https://api.nexmo.com/v1/files/abc?redirect=https://evil.example.com' }),
      event({ transcription_url: 'http://127.0.0.1:9001/v1/files/x' }),
      event({ recording_uuid: 'not-a-uuid' }),
      event({ status: 'failed' }),
      event({ transcription_url: undefined }),
      'a string',
      null
    ]
    for (const body of refused) assert.throws(() => parseTranscriptionEvent(body, 'http://127.0.0.1:9000'), TranscriptionEventError, JSON.stringify(body))
  })
})
