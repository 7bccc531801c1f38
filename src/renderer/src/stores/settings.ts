import { defineStore } from 'pinia'
import { computed, ref, shallowRef, toRaw } from 'vue'
import { ApiError } from '#shared/api'
import type { IntakeMode, SettingsDto, SettingsUpdate } from '#shared/intake'
import {
  isSettingsField,
  MAX_SECONDS_MAX,
  MAX_SECONDS_MIN,
  normalizePhoneNumber,
  RING_SECONDS_MAX,
  RING_SECONDS_MIN,
  type END_KEYS,
  type HOTLINE_NO_ANSWER,
  type TRANSCRIPTION_LANGUAGES,
  type SettingsField
} from '#shared/settings-schema'
import { useApi } from '../api/current'
import { errorMessage } from '../format/error'
import { parseLines } from '../format/settings'
import { useNoticeStore } from './notices'

/** A saved secret is never shown: it is kept, replaced by a new value, or removed. */
export type SecretAction = 'keep' | 'replace' | 'remove'
export interface SecretDraft {
  action: SecretAction
  value: string
}

/** The settings form as typed: text as the inputs hold it, lists as one line per item. */
export interface SettingsDraft {
  applicationId: string
  privateKey: SecretDraft
  signatureSecret: SecretDraft
  apiHost: string
  publicUrl: string
  mode: IntakeMode
  greeting: string
  endOnKey: (typeof END_KEYS)[number]
  /** A number input bound with `.number` holds '' while empty. */
  maxSeconds: number | string
  severalRecordings: boolean
  /** '' = off. */
  transcriptionLanguage: (typeof TRANSCRIPTION_LANGUAGES)[number] | ''
  allowedCallers: string
  bootstrap: string
  // Hotline mode.
  vonageNumber: string
  hotlineName: string
  hotlineGreeting: string
  holdMusicUrl: string
  /** One row per staff member, as typed. */
  hotlineStaff: StaffDraft[]
  ringSeconds: number | string
  hotlineNoAnswer: (typeof HOTLINE_NO_ANSWER)[number]
  // Telling the team
  notifySlackUrl: string
  notifyWebhookUrl: string
  notifyWebhookSecret: SecretDraft
  showCallerNumber: boolean
  tellTeamCallStarted: boolean
  tellTeamCallAnswered: boolean
  tellTeamCallMissed: boolean
  tellTeamEntryAdded: boolean
  tellTeamDownloadFailed: boolean
}

export interface StaffDraft {
  name: string
  number: string
}

/** The team-message switches, saved with the form like the addresses they go with. */
export const TELL_TEAM_SWITCHES = ['showCallerNumber', 'tellTeamCallStarted', 'tellTeamCallAnswered', 'tellTeamCallMissed', 'tellTeamEntryAdded', 'tellTeamDownloadFailed'] as const
export type TellTeamSwitch = (typeof TELL_TEAM_SWITCHES)[number]

interface PendingChange {
  update: SettingsUpdate
  /** A value the services could not even be sent (an empty number field). */
  problem: { field: SettingsField; message: string } | null
}

export interface SettingsFormError {
  message: string
  field: SettingsField | null
}

/** Settings as saved, and the form's unsaved draft of them (kept here so switching views keeps it). */
export const useSettingsStore = defineStore('settings', () => {
  const saved = shallowRef<SettingsDto | null>(null)
  const draft = ref<SettingsDraft>(emptyDraft())
  const saving = ref(false)
  const error = ref<SettingsFormError | null>(null)
  const lastSaveOk = ref(false)
  let loading: Promise<void> | null = null

  const loaded = computed(() => saved.value !== null)
  const vonageConfigured = computed(() => saved.value?.vonageConfigured ?? false)
  const fixed = computed(() => new Set(saved.value?.fromEnvironment ?? []))
  const pending = computed(() => diff(saved.value, draft.value, fixed.value))
  const dirty = computed(() => Object.keys(pending.value.update).length > 0 || pending.value.problem !== null)
  const justSaved = computed(() => lastSaveOk.value && !dirty.value && !saving.value)

  function isFixed(field: SettingsField): boolean {
    return fixed.value.has(field)
  }

  /** For aria-invalid: true while the last save was refused because of this field, else absent. */
  function refused(field: SettingsField): true | undefined {
    return error.value?.field === field || undefined
  }

  /** Loads the saved settings; an untouched form follows them, a form with edits keeps the edits. */
  function load(): Promise<void> {
    loading ??= (async () => {
      try {
        const next = await useApi().getSettings()
        const edited = dirty.value
        saved.value = next
        if (!edited) {
          draft.value = draftFrom(next)
          // "Saved" speaks of a save just made, not of one from an earlier visit.
          lastSaveOk.value = false
        }
      } catch (err) {
        useNoticeStore().report(err, 'Could not load the settings')
      } finally {
        loading = null
      }
    })()
    return loading
  }

  async function save(): Promise<boolean> {
    if (saving.value || !saved.value) return false
    const { update, problem } = pending.value
    if (problem) {
      error.value = { message: problem.message, field: problem.field }
      lastSaveOk.value = false
      return false
    }
    error.value = null
    if (Object.keys(update).length === 0) {
      lastSaveOk.value = true
      return true
    }
    saving.value = true
    lastSaveOk.value = false
    const sent = structuredClone(toRaw(draft.value))
    try {
      const next = await useApi().saveSettings(update)
      saved.value = next
      // Edits made while the save was under way stay; everything else now shows what was saved.
      const fresh = draftFrom(next)
      const current = draft.value
      for (const key of Object.keys(fresh) as Array<keyof SettingsDraft>) {
        if (JSON.stringify(current[key]) === JSON.stringify(sent[key])) (current as Record<string, unknown>)[key] = fresh[key]
      }
      lastSaveOk.value = true
      return true
    } catch (err) {
      // The services name the refused setting by the validation issue's path.
      const field = err instanceof ApiError && isSettingsField(err.field) ? err.field : null
      error.value = { message: errorMessage(err), field }
      return false
    } finally {
      saving.value = false
    }
  }

  function discard(): void {
    if (saved.value) draft.value = draftFrom(saved.value)
    error.value = null
  }

  function configureVonage(apiKey: string, apiSecret: string): Promise<{ answerUrl: string; eventUrl: string }> {
    return useApi().configureVonageApplication({ apiKey, apiSecret })
  }

  return {
    saved,
    draft,
    saving,
    error,
    loaded,
    vonageConfigured,
    pending,
    dirty,
    justSaved,
    isFixed,
    refused,
    load,
    save,
    discard,
    configureVonage
  }
})

function emptyDraft(): SettingsDraft {
  return {
    applicationId: '',
    privateKey: { action: 'replace', value: '' },
    signatureSecret: { action: 'replace', value: '' },
    apiHost: '',
    publicUrl: '',
    mode: 'record',
    greeting: '',
    endOnKey: '#',
    maxSeconds: 900,
    severalRecordings: false,
    transcriptionLanguage: '',
    allowedCallers: '',
    bootstrap: '',
    vonageNumber: '',
    hotlineName: 'Hotline',
    hotlineGreeting: '',
    holdMusicUrl: '',
    hotlineStaff: [],
    ringSeconds: 30,
    hotlineNoAnswer: 'voicemail',
    notifySlackUrl: '',
    notifyWebhookUrl: '',
    notifyWebhookSecret: { action: 'replace', value: '' },
    showCallerNumber: false,
    tellTeamCallStarted: true,
    tellTeamCallAnswered: true,
    tellTeamCallMissed: true,
    tellTeamEntryAdded: true,
    tellTeamDownloadFailed: true
  }
}

function draftFrom(dto: SettingsDto): SettingsDraft {
  return {
    applicationId: dto.applicationId,
    privateKey: { action: dto.privateKeySet ? 'keep' : 'replace', value: '' },
    signatureSecret: { action: dto.signatureSecretSet ? 'keep' : 'replace', value: '' },
    apiHost: dto.apiHost,
    publicUrl: dto.publicUrl,
    mode: dto.mode,
    greeting: dto.greeting,
    endOnKey: dto.endOnKey,
    maxSeconds: dto.maxSeconds,
    severalRecordings: dto.severalRecordings,
    transcriptionLanguage: dto.transcriptionLanguage,
    allowedCallers: dto.allowedCallers.join('\n'),
    bootstrap: dto.bootstrap.join('\n'),
    vonageNumber: dto.vonageNumber,
    hotlineName: dto.hotlineName,
    hotlineGreeting: dto.hotlineGreeting,
    holdMusicUrl: dto.holdMusicUrl,
    hotlineStaff: dto.hotlineStaff.map((member) => ({ ...member })),
    ringSeconds: dto.ringSeconds,
    hotlineNoAnswer: dto.hotlineNoAnswer,
    notifySlackUrl: dto.notifySlackUrl,
    notifyWebhookUrl: dto.notifyWebhookUrl,
    notifyWebhookSecret: { action: dto.notifyWebhookSecretSet ? 'keep' : 'replace', value: '' },
    showCallerNumber: dto.showCallerNumber,
    tellTeamCallStarted: dto.tellTeamCallStarted,
    tellTeamCallAnswered: dto.tellTeamCallAnswered,
    tellTeamCallMissed: dto.tellTeamCallMissed,
    tellTeamEntryAdded: dto.tellTeamEntryAdded,
    tellTeamDownloadFailed: dto.tellTeamDownloadFailed
  }
}

export function parseCallers(text: string): string[] {
  return parseLines(text).map(normalizePhoneNumber)
}

/** Only what differs from the saved settings, and never a field the environment fixes. */
function diff(saved: SettingsDto | null, draft: SettingsDraft, fixed: Set<string>): PendingChange {
  const update: SettingsUpdate = {}
  let problem: PendingChange['problem'] = null
  if (!saved) return { update, problem }
  const editable = (field: SettingsField): boolean => !fixed.has(field)

  // The services trim text, so spaces alone are no change.
  for (const field of ['applicationId', 'apiHost', 'publicUrl', 'greeting', 'vonageNumber', 'hotlineName', 'hotlineGreeting', 'holdMusicUrl', 'notifySlackUrl', 'notifyWebhookUrl'] as const) {
    const value = draft[field].trim()
    if (editable(field) && value !== saved[field]) update[field] = value
  }
  if (editable('endOnKey') && draft.endOnKey !== saved.endOnKey) update.endOnKey = draft.endOnKey
  if (editable('mode') && draft.mode !== saved.mode) update.mode = draft.mode
  if (editable('hotlineNoAnswer') && draft.hotlineNoAnswer !== saved.hotlineNoAnswer) update.hotlineNoAnswer = draft.hotlineNoAnswer
  // Rows left wholly empty are not staff; the services check the rest (a name and an E.164 number each).
  const staff = draft.hotlineStaff.map((member) => ({ name: member.name.trim(), number: member.number.trim() })).filter((member) => member.name !== '' || member.number !== '')
  if (editable('hotlineStaff') && JSON.stringify(staff) !== JSON.stringify(saved.hotlineStaff)) update.hotlineStaff = staff
  if (editable('severalRecordings') && draft.severalRecordings !== saved.severalRecordings) update.severalRecordings = draft.severalRecordings
  if (editable('transcriptionLanguage') && draft.transcriptionLanguage !== saved.transcriptionLanguage) update.transcriptionLanguage = draft.transcriptionLanguage
  for (const field of TELL_TEAM_SWITCHES) if (editable(field) && draft[field] !== saved[field]) update[field] = draft[field]

  for (const [field, isSet] of [
    ['privateKey', saved.privateKeySet],
    ['signatureSecret', saved.signatureSecretSet],
    ['notifyWebhookSecret', saved.notifyWebhookSecretSet]
  ] as const) {
    const secret = draft[field]
    if (!editable(field)) continue
    if (secret.action === 'replace' && secret.value.trim() !== '') update[field] = secret.value
    else if (secret.action === 'remove' && isSet) update[field] = ''
  }

  if (editable('maxSeconds')) {
    const raw = draft.maxSeconds
    const seconds = typeof raw === 'number' ? raw : raw.trim() === '' ? Number.NaN : Number(raw)
    if (!Number.isFinite(seconds)) problem = { field: 'maxSeconds', message: `Maximum length must be a number of seconds from ${MAX_SECONDS_MIN} to ${MAX_SECONDS_MAX}` }
    else if (seconds !== saved.maxSeconds) update.maxSeconds = seconds
  }

  if (editable('ringSeconds')) {
    const raw = draft.ringSeconds
    const seconds = typeof raw === 'number' ? raw : raw.trim() === '' ? Number.NaN : Number(raw)
    if (!Number.isFinite(seconds)) problem ??= { field: 'ringSeconds', message: `Ring time must be a number of seconds from ${RING_SECONDS_MIN} to ${RING_SECONDS_MAX}` }
    else if (seconds !== saved.ringSeconds) update.ringSeconds = seconds
  }

  const callers = parseCallers(draft.allowedCallers)
  if (editable('allowedCallers') && !sameList(callers, saved.allowedCallers)) update.allowedCallers = callers
  const bootstrap = parseLines(draft.bootstrap)
  if (editable('bootstrap') && !sameList(bootstrap, saved.bootstrap)) update.bootstrap = bootstrap

  return { update, problem }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}
