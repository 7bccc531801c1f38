import type { SettingsField } from '#shared/settings-schema'

/**
 * The id of the input a setting is typed into (`setting-end-on-key`), so a refused value can be
 * focused. The mode is a pair of radio buttons: its first one.
 */
export function settingInputId(field: SettingsField): string {
  return field === 'mode' ? 'setting-mode-record' : `setting-${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}

/** One value per line; blank lines and stray spaces mean nothing. */
export function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
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
export type DesktopSwitch = Extract<SettingsField, 'openAtLogin' | 'notifyCallEntries' | 'notifyFollowedEntries' | 'notifyFailedDownloads'>

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
