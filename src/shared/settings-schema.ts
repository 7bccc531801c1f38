/**
 * The settings, declared once: their types, defaults, limits and checks, the environment
 * variables that fix them for a run, and the shape of a change the window may send. The services
 * validate settings.json, the environment and every change with these schemas; the window takes
 * its limits and the variable names from here, and points at a refused value by the issue's path.
 *
 * Why valibot: one declaration yields the TypeScript type, the defaults and the runtime checks;
 * its issues carry the path of the value they refuse; and it is modular, so the window's bundle
 * carries only the checks it uses rather than a whole validation library.
 */
import * as v from 'valibot'
import { formatCount } from './format'

export const GREETING_MAX = 1500
export const MAX_SECONDS_MIN = 3
export const MAX_SECONDS_MAX = 7200
/** The DTMF keys that can end a recording. */
export const END_KEYS = ['#', '*', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const
export const INTAKE_MODES = ['record', 'stream', 'hotline'] as const
/** A conversation holds at most 50 legs: the caller and 49 staff. */
export const HOTLINE_STAFF_MAX = 49
export const RING_SECONDS_MIN = 5
/** Vonage's `ringing_timer` limit. */
export const RING_SECONDS_MAX = 120
export const HOTLINE_NO_ANSWER = ['voicemail', 'hangup'] as const
/**
 * Languages the app offers for Vonage's transcription of recordings (BCP-47, a short list of those
 * Vonage supports); '' = off. Off by default: Vonage charges for every transcribed minute.
 */
export const TRANSCRIPTION_LANGUAGES = ['en-US', 'en-GB', 'en-AU', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL', 'pt-BR', 'ja-JP'] as const

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const HOST_PORT = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/

const trimmed = (max: number, tooLong: string) => v.pipe(v.string(), v.trim(), v.maxLength(max, tooLong))

/** Empty (not set) or a plain http(s) address: no credentials, query or fragment to leak or confuse. */
const address = (name: string) =>
  v.pipe(
    trimmed(500, `${name} must be at most 500 characters`),
    v.check(isPlainHttpUrl, `${name} must be a plain http(s) address without credentials, query or fragment, e.g. https://example.ngrok.app`)
  )

/** People paste numbers as they write them: "+44 7700 900-123" is 447700900123. */
export function normalizePhoneNumber(text: string): string {
  return text.replace(/[\s()+.-]/g, '')
}

const phoneNumber = v.pipe(
  v.string(),
  v.transform(normalizePhoneNumber),
  v.regex(/^\d{6,15}$/, 'Allowed callers must be phone numbers in international format, e.g. +44 7700 900123')
)

/** E.164: "+", then 7 to 15 digits, the first not 0 (spaces and dashes as people write them are fine). */
const E164 = /^\+[1-9]\d{6,14}$/

/** A number the app dials or shows as calling, kept in E.164 ("+" and digits; Vonage's API takes the digits). */
const e164Number = (what: string, { optional = false } = {}) =>
  v.pipe(
    v.string(`${what} must be a phone number in international format, e.g. +44 7700 900123`),
    v.trim(),
    v.transform((text) => text.replace(/[\s().-]/g, '')),
    v.check((text) => (optional && text === '') || E164.test(text), `${what} must be a phone number in international format starting with +, e.g. +44 7700 900123`)
  )

/** One member of the hotline's staff: who is rung, and the name they are greeted and announced by. */
const staffMember = v.object(
  {
    name: v.pipe(v.string('Each staff member needs a name'), v.trim(), v.minLength(1, 'Each staff member needs a name'), v.maxLength(60, 'A staff name must be at most 60 characters')),
    number: e164Number('Each staff number')
  },
  'Each staff member needs a name and a number'
)

/** "Ana:+447700900001, Ben:+447700900002" (HOTLINE_STAFF) as the staff list. */
export function parseStaffList(text: string): Array<{ name: string; number: string }> {
  return text
    .split(/[,;\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const colon = part.lastIndexOf(':')
      return colon < 0 ? { name: '', number: part } : { name: part.slice(0, colon).trim(), number: part.slice(colon + 1).trim() }
    })
}

const bootstrapNode = v.pipe(
  v.string(),
  v.trim(),
  v.check((text) => isHostPort(text), (issue) => `Bootstrap node "${String(issue.input)}" is not host:port`)
)

const flag = (label: string) => v.boolean(`${label} must be on or off`)

export const WEBHOOK_SECRET_MIN = 16

/**
 * Empty (off) or an http(s) address without a user name or password. Unlike `address`, a query is
 * allowed: some receivers take their token there.
 */
const teamAddress = (name: string, example: string) =>
  v.pipe(
    trimmed(2000, `${name} must be at most 2,000 characters`),
    v.check(isTeamUrl, `${name} must be an http:// or https:// address without a user name or password, e.g. ${example}`)
  )

/** settings.json and the settings in force: every field, each with its default. */
export const SettingsSchema = v.object({
  applicationId: v.optional(
    v.pipe(
      trimmed(100, 'Application id must be the UUID shown in the Vonage dashboard'),
      v.check((id) => id === '' || UUID.test(id), 'Application id must be the UUID shown in the Vonage dashboard')
    ),
    ''
  ),
  /** PEM text; the services also check it is a key Node can read. */
  privateKey: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(10_000, 'Private key must be the PEM file Vonage gave you'),
      v.transform((pem) => (pem.trim() === '' ? '' : `${pem.trim()}\n`)),
      v.check((pem) => pem === '' || /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem), 'Private key must be the PEM file Vonage gave you (-----BEGIN PRIVATE KEY-----)')
    ),
    ''
  ),
  signatureSecret: v.optional(
    v.pipe(
      trimmed(500, 'Signature secret must be at most 500 characters'),
      v.check((secret) => secret === '' || secret.length >= 16, 'Signature secret looks too short: copy it from the Vonage dashboard (account settings)')
    ),
    ''
  ),
  publicUrl: v.optional(address('Public URL'), ''),
  apiHost: v.optional(address('API host'), ''),
  mode: v.optional(v.picklist(INTAKE_MODES, 'Mode must be "record", "stream" or "hotline"'), 'record'),
  /** Hotline mode: the number staff see calling them (the Vonage number), E.164. */
  vonageNumber: v.optional(e164Number('Your Vonage number', { optional: true }), ''),
  hotlineName: v.optional(v.pipe(trimmed(60, 'Hotline name must be at most 60 characters'), v.minLength(1, 'Give the hotline a name: staff hear it when they answer')), 'Hotline'),
  /** What a hotline caller hears first; empty: a sentence built from the hotline's name. */
  hotlineGreeting: v.optional(trimmed(GREETING_MAX, `Hotline greeting must be at most ${formatCount(GREETING_MAX)} characters`), ''),
  /** Hold music: empty = the track bundled with the app (served on the webhook listener), or an http(s) address. */
  holdMusicUrl: v.optional(address('Hold music'), ''),
  hotlineStaff: v.optional(
    v.pipe(
      v.array(staffMember, 'Staff must be a list of names and numbers'),
      v.maxLength(HOTLINE_STAFF_MAX, `A hotline can ring at most ${HOTLINE_STAFF_MAX} staff at once`),
      v.check((staff) => new Set(staff.map((member) => member.number)).size === staff.length, 'Each staff number can be listed once')
    ),
    []
  ),
  ringSeconds: v.optional(
    v.pipe(
      v.number(`Ring time must be a number of seconds from ${RING_SECONDS_MIN} to ${RING_SECONDS_MAX}`),
      v.integer('Ring time must be a whole number of seconds'),
      v.minValue(RING_SECONDS_MIN, `Ring time must be from ${RING_SECONDS_MIN} to ${RING_SECONDS_MAX} seconds`),
      v.maxValue(RING_SECONDS_MAX, `Ring time must be from ${RING_SECONDS_MIN} to ${RING_SECONDS_MAX} seconds`)
    ),
    30
  ),
  /** When no staff member answers: the caller leaves a message (a normal record entry), or hears a goodbye. */
  hotlineNoAnswer: v.optional(v.picklist(HOTLINE_NO_ANSWER, 'When nobody answers must be "voicemail" or "hangup"'), 'voicemail'),
  greeting: v.optional(
    trimmed(GREETING_MAX, `Greeting must be at most ${formatCount(GREETING_MAX)} characters`),
    'Welcome to your voice journal. Speak after the beep, and press star or hang up when you are done.'
  ),
  endOnKey: v.optional(v.picklist(END_KEYS, 'End-on key must be one of 0-9, * or #'), '*'),
  maxSeconds: v.optional(
    v.pipe(
      v.number(`Maximum length must be a number of seconds from ${MAX_SECONDS_MIN} to ${MAX_SECONDS_MAX}`),
      v.integer(`Maximum length must be a whole number of seconds`),
      v.minValue(MAX_SECONDS_MIN, `Maximum length must be from ${MAX_SECONDS_MIN} to ${MAX_SECONDS_MAX} seconds`),
      v.maxValue(MAX_SECONDS_MAX, `Maximum length must be from ${MAX_SECONDS_MIN} to ${MAX_SECONDS_MAX} seconds`)
    ),
    900
  ),
  /** Record mode: after each recording the caller may press 1 to record another, each its own entry. */
  severalRecordings: v.optional(flag('Several recordings per call'), false),
  /** Record mode (and the hotline's voicemail): Vonage transcribes each recording in this language; '' = off. */
  transcriptionLanguage: v.optional(
    v.picklist(['', ...TRANSCRIPTION_LANGUAGES], `Transcription must be off or one of ${TRANSCRIPTION_LANGUAGES.join(', ')}`),
    ''
  ),
  /** E.164 digits without "+"; empty = everyone may call (the window warns). */
  allowedCallers: v.optional(
    v.pipe(
      v.array(v.string('Allowed callers must be a list of phone numbers'), 'Allowed callers must be a list of phone numbers'),
      v.maxLength(1000, 'Allowed callers can hold at most 1,000 numbers'),
      v.transform((lines) => lines.filter((line) => line.trim() !== '')),
      v.array(phoneNumber)
    ),
    []
  ),
  bootstrap: v.optional(
    v.pipe(
      v.array(v.string('Bootstrap nodes must be a list of host:port'), 'Bootstrap nodes must be a list of host:port'),
      v.maxLength(100, 'At most 100 bootstrap nodes'),
      v.transform((lines) => lines.filter((line) => line.trim() !== '')),
      v.array(bootstrapNode)
    ),
    []
  ),
  // Starting with the session is the user's choice; notifications are what the desktop app is for.
  openAtLogin: v.optional(flag('Start at login'), false),
  notifyCallEntries: v.optional(flag('Notify about new entries from calls'), true),
  notifyFailedDownloads: v.optional(flag('Notify about failed downloads'), true),
  notifyFollowedEntries: v.optional(flag('Notify about new entries in followed journals'), true),

  // ── Telling the team: outgoing notifications (src/main/notify) ─────────────────────────────
  // Kept together at the end so branches adding settings elsewhere merge without touching these.
  /** Slack incoming-webhook address; empty = no Slack messages. */
  notifySlackUrl: v.optional(teamAddress('Slack webhook URL', 'https://hooks.slack.com/services/…'), ''),
  /** Generic webhook address (signed JSON); empty = none. Needs notifyWebhookSecret (see settingsConflict). */
  notifyWebhookUrl: v.optional(teamAddress('Webhook URL', 'https://example.org/voice-journal'), ''),
  /** HMAC-SHA256 key the webhook's receiver verifies with; a secret: never sent back to the window. */
  notifyWebhookSecret: v.optional(
    v.pipe(
      trimmed(500, 'Webhook signing secret must be at most 500 characters'),
      v.check((secret) => secret === '' || secret.length >= WEBHOOK_SECRET_MIN, `Webhook signing secret must be at least ${WEBHOOK_SECRET_MIN} characters (e.g. the output of openssl rand -hex 32)`)
    ),
    ''
  ),
  /** Staff may see the caller's number in "call started" messages (off: the field is dropped). */
  showCallerNumber: v.optional(flag("Staff may see the caller's number"), false),
  tellTeamCallStarted: v.optional(flag('Tell the team when a call starts'), true),
  tellTeamCallAnswered: v.optional(flag('Tell the team when a call is answered'), true),
  tellTeamCallMissed: v.optional(flag('Tell the team about missed calls'), true),
  tellTeamEntryAdded: v.optional(flag('Tell the team about new entries'), true),
  tellTeamDownloadFailed: v.optional(flag('Tell the team about failed downloads'), true)
})

/** Every setting, all present (what the services work with). */
export type Settings = v.InferOutput<typeof SettingsSchema>
export type SettingsField = keyof Settings

/** A change from the window: any subset of the fields, nothing else; omitted fields stay as they are. */
export const SettingsUpdateSchema = v.strictObject(
  Object.fromEntries(Object.entries(SettingsSchema.entries).map(([field, entry]) => [field, v.optional(entry.wrapped)])) as {
    [F in SettingsField]: v.OptionalSchema<(typeof SettingsSchema.entries)[F]['wrapped'], undefined>
  },
  (issue) => `Unknown setting "${String(issue.input)}"`
)
/** As the window sends it (numbers as typed, before the services normalise them). */
export type SettingsUpdate = v.InferInput<typeof SettingsUpdateSchema>


/** Environment variables that fix a setting for one run (product brief: keep stable). */
export const SETTINGS_ENVIRONMENT = {
  VONAGE_APPLICATION_ID: 'applicationId',
  VONAGE_PRIVATE_KEY: 'privateKey',
  VONAGE_SIGNATURE_SECRET: 'signatureSecret',
  PUBLIC_URL: 'publicUrl',
  VONAGE_API_HOST: 'apiHost',
  JOURNAL_MODE: 'mode',
  VONAGE_NUMBER: 'vonageNumber',
  HOTLINE_NAME: 'hotlineName',
  HOTLINE_STAFF: 'hotlineStaff',
  VONAGE_TRANSCRIPTION: 'transcriptionLanguage',
  NOTIFY_SLACK_URL: 'notifySlackUrl',
  NOTIFY_WEBHOOK_URL: 'notifyWebhookUrl',
  NOTIFY_WEBHOOK_SECRET: 'notifyWebhookSecret'
} as const satisfies Record<string, SettingsField>

/** The variable that fixes `field`, if any (the window names it beside a read-only field). */
export function environmentVariableOf(field: SettingsField): string | null {
  return Object.entries(SETTINGS_ENVIRONMENT).find(([, fixed]) => fixed === field)?.[0] ?? null
}

export function isSettingsField(name: unknown): name is SettingsField {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(SettingsSchema.entries, name)
}

/**
 * Rules between fields, which the one-field schemas above cannot state; the services check them
 * on the settings in force (saved values and the environment together).
 */
export function settingsConflict(settings: Settings): { field: SettingsField; message: string } | null {
  if (settings.notifyWebhookUrl !== '' && settings.notifyWebhookSecret === '') {
    return { field: 'notifyWebhookSecret', message: 'A webhook URL needs a signing secret, so its receiver can tell the messages come from this app' }
  }
  return null
}

/** The field a validation issue is about: the first key of its path. */
export function settingsFieldOf(issue: v.BaseIssue<unknown>): SettingsField | null {
  const first = issue.path?.[0]?.key
  return isSettingsField(first) ? first : null
}

function isPlainHttpUrl(text: string): boolean {
  if (text === '') return true
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return false
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && !url.search && !url.hash
}

function isTeamUrl(text: string): boolean {
  if (text === '') return true
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return false
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && !url.hash
}

function isHostPort(text: string): boolean {
  const match = HOST_PORT.exec(text)
  const port = Number(match?.[3])
  return Boolean(match?.[1] ?? match?.[2]) && Number.isInteger(port) && port >= 1 && port <= 65535
}
