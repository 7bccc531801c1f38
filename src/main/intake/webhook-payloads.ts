/**
 * What the app accepts from Vonage's webhooks, as schemas (valibot, as for every trust boundary;
 * see src/shared/settings-schema.ts). Vonage adds fields over time, so objects are loose: unknown
 * fields are ignored, but every field the app reads is checked and bounded here, once.
 */
import * as v from 'valibot'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Ids, numbers and statuses are short; anything long is not Vonage, and would land in the call log. */
const field = (max: number) => v.pipe(v.string(), v.maxLength(max))
const optionalField = (max: number) => v.optional(field(max))
const notAnObject = (what: string) => `${what} must be a JSON object`

/** POST /webhooks/recording: a call recording is ready to download. */
export const RecordingEventSchema = v.looseObject(
  {
    /** Becomes a file name in a public journal. */
    recording_uuid: v.pipe(v.string('recording_uuid must be a UUID'), v.regex(UUID, 'recording_uuid must be a UUID')),
    recording_url: v.pipe(v.string('recording_url is empty (the recording failed)'), v.minLength(1, 'recording_url is empty (the recording failed)'), v.maxLength(2000, 'recording_url is too long')),
    start_time: v.optional(v.unknown()),
    timestamp: v.optional(v.unknown()),
    conversation_uuid: v.optional(v.pipe(v.string(), v.transform((id) => id.slice(0, 100))))
  },
  notAnObject('recording event')
)
export type RecordingEvent = v.InferOutput<typeof RecordingEventSchema>

/** POST /webhooks/transcription: the transcript of a recording is ready to download. */
export const TranscriptionEventSchema = v.looseObject(
  {
    /** The recording it transcribes: names the entry the transcript goes beside. */
    recording_uuid: v.pipe(v.string('recording_uuid must be a UUID'), v.regex(UUID, 'recording_uuid must be a UUID')),
    status: v.literal('transcribed', 'status must be "transcribed"'),
    transcription_url: v.pipe(v.string('transcription_url is missing'), v.minLength(1, 'transcription_url is empty'), v.maxLength(2000, 'transcription_url is too long')),
    conversation_uuid: v.optional(v.pipe(v.string(), v.transform((id) => id.slice(0, 100)))),
    type: optionalField(50)
  },
  notAnObject('transcription event')
)
export type TranscriptionEvent = v.InferOutput<typeof TranscriptionEventSchema>

/** POST /webhooks/event: a call's status changed. */
export const CallEventSchema = v.looseObject(
  {
    uuid: v.pipe(v.string('event needs uuid and status'), v.minLength(1, 'event needs uuid and status'), v.maxLength(100, 'uuid is too long')),
    status: v.pipe(v.string('event needs uuid and status'), v.minLength(1, 'event needs uuid and status'), v.maxLength(50, 'status is too long')),
    conversation_uuid: optionalField(100),
    // Phone numbers, or SIP and WebSocket addresses for other legs.
    from: optionalField(300),
    to: optionalField(300),
    direction: optionalField(20),
    timestamp: optionalField(50),
    duration: v.optional(v.union([field(20), v.number()]))
  },
  notAnObject('event')
)
export type CallEvent = v.InferOutput<typeof CallEventSchema>

/** POST /webhooks/input?part=N: the caller answered the "record another?" prompt (or let it time out). */
export const InputEventSchema = v.looseObject(
  {
    uuid: v.pipe(v.string('input event needs the call uuid'), v.minLength(1, 'input event needs the call uuid'), v.maxLength(100, 'uuid is too long')),
    conversation_uuid: optionalField(100),
    dtmf: v.looseObject(
      {
        // At most 20 keys (Vonage's maxDigits limit); none when the caller let the prompt time out.
        digits: v.optional(v.pipe(v.string('dtmf.digits must be the keys pressed'), v.regex(/^[0-9*#]{0,20}$/, 'dtmf.digits must be the keys pressed')), ''),
        timed_out: v.optional(v.boolean('dtmf.timed_out must be true or false'))
      },
      'input event needs dtmf'
    )
  },
  notAnObject('input event')
)
export type InputEvent = v.InferOutput<typeof InputEventSchema>

/** The `part` query of the input URL our NCCO gave Vonage: which recording of the call just ended. */
export const InputPartSchema = v.pipe(
  v.string('the input URL needs ?part='),
  v.regex(/^[1-9]\d{0,2}$/, 'part must be the number of the recording'),
  v.transform(Number)
)

/** A notice without a status (e.g. an NCCO Vonage could not run): logged and accepted. */
export const ErrorNoticeSchema = v.looseObject({ reason: v.pipe(v.string(), v.transform((reason) => reason.slice(0, 300))) })

/** GET|POST /webhooks/answer: a call is waiting for its NCCO. GET sends the fields as a query. */
export const AnswerRequestSchema = v.looseObject(
  {
    uuid: v.pipe(v.string('answer webhook needs the call uuid'), v.minLength(1, 'answer webhook needs the call uuid'), v.maxLength(100, 'uuid is too long')),
    /** The caller's number; only compared with the allowed callers, never stored from here. */
    from: v.optional(v.pipe(v.union([field(300), v.number()]), v.transform((from) => String(from).replace(/\D/g, ''))), ''),
    /** The number called (the app's Vonage number); a hotline rings staff from it when none is set. */
    to: v.optional(v.pipe(v.union([field(300), v.number()]), v.transform((to) => String(to).replace(/\D/g, ''))), '')
  },
  notAnObject('answer request')
)

/** GET|POST /webhooks/hotline/staff-*: which hotline call and which staff member a leg belongs to (from the address the app gave Vonage). */
export const StaffLegQuerySchema = v.object({
  call: v.pipe(v.string('staff webhook needs its call'), v.regex(/^[0-9a-f]{32}$/, 'staff webhook needs its call')),
  staff: v.pipe(v.string('staff webhook needs its staff index'), v.regex(/^\d{1,2}$/, 'staff webhook needs its staff index'), v.transform(Number))
})

/** The payload or the first problem with it, in words fit for a 400 body. */
export function checkPayload<S extends v.GenericSchema>(schema: S, body: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; problem: string } {
  const result = v.safeParse(schema, body)
  return result.success ? { ok: true, value: result.output } : { ok: false, problem: result.issues[0].message }
}
