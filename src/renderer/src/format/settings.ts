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
  ['bootstrap', /bootstrap/i],
  // The desktop switches' messages end with the field's name in brackets: "Start at login (openAtLogin) …".
  ['openAtLogin', /\bopenAtLogin\b/],
  ['notifyCallEntries', /\bnotifyCallEntries\b/],
  ['notifyFailedDownloads', /\bnotifyFailedDownloads\b/],
  ['notifyFollowedEntries', /\bnotifyFollowedEntries\b/]
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

/** The desktop app's on/off settings, saved as soon as they are switched. */
export type DesktopSwitch = 'openAtLogin' | 'notifyCallEntries' | 'notifyFollowedEntries' | 'notifyFailedDownloads'

export interface DesktopSwitchInfo {
  field: DesktopSwitch
  label: string
  hint: string
}

export const START_SWITCH: DesktopSwitchInfo = {
  field: 'openAtLogin',
  label: 'Start Voice Journal when I log in',
  hint: 'It starts in the tray, without a window, and keeps your journals online until you choose Quit in the tray menu.'
}

export const NOTIFICATION_SWITCHES: DesktopSwitchInfo[] = [
  { field: 'notifyCallEntries', label: 'A call added an entry', hint: 'When a phone call becomes an entry in one of your journals.' },
  { field: 'notifyFollowedEntries', label: 'A journal I follow has new entries', hint: 'When entries arrive from a peer in a journal you follow.' },
  {
    field: 'notifyFailedDownloads',
    label: 'A call recording could not be downloaded',
    hint: 'After the last automatic retry; it stays listed in the window with a Retry button.'
  }
]
