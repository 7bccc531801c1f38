import type { SettingsUpdate } from '#shared/intake'

export type SettingsField = keyof SettingsUpdate

/**
 * The variables that fix a setting for one run. The contract only lists the field names in
 * `fromEnvironment`; the variable names mirror the services' table (src/main/app/settings.ts).
 */
const ENVIRONMENT_VARIABLES: Partial<Record<SettingsField, string>> = {
  applicationId: 'VONAGE_APPLICATION_ID',
  privateKey: 'VONAGE_PRIVATE_KEY',
  signatureSecret: 'VONAGE_SIGNATURE_SECRET',
  publicUrl: 'PUBLIC_URL',
  apiHost: 'VONAGE_API_HOST',
  mode: 'JOURNAL_MODE'
}

export function environmentVariable(field: SettingsField): string {
  return ENVIRONMENT_VARIABLES[field] ?? 'an'
}

/** One value per line; blank lines and stray spaces mean nothing. */
export function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

/** "+44 7700 900-123" → "447700900123": the services want E.164 digits, people paste numbers with spacing. */
export function normalizeCaller(line: string): string {
  const compact = line.replace(/[\s().-]/g, '')
  return compact.startsWith('+') ? compact.slice(1) : compact
}

/** How the services name each field in their messages, so an error can point at its input. */
const FIELD_NAMES: Array<[SettingsField, RegExp]> = [
  ['applicationId', /^application id|\bapplicationId\b/i],
  ['privateKey', /^private key|\bprivateKey\b/i],
  ['signatureSecret', /^signature secret|\bsignatureSecret\b/i],
  ['publicUrl', /^public url|\bpublicUrl\b/i],
  ['apiHost', /^api host|\bapiHost\b/i],
  ['mode', /^mode\b/i],
  ['greeting', /^greeting|\bgreeting\b/i],
  ['endOnKey', /^end-on key|\bendOnKey\b/i],
  ['maxSeconds', /^maximum length|\bmaxSeconds\b/i],
  ['allowedCallers', /^allowed callers|\ballowedCallers\b/i],
  ['bootstrap', /bootstrap/i]
]

export function fieldOfError(message: string): SettingsField | null {
  return FIELD_NAMES.find(([, pattern]) => pattern.test(message))?.[0] ?? null
}

/** 900 → "15 min", 3725 → "1 h 2 min 5 s". */
export function describeSeconds(total: number): string {
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', s ? `${s} s` : ''].filter(Boolean)
  return parts.join(' ') || '0 s'
}
