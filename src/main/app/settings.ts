import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createPrivateKey } from 'node:crypto'
import type { SettingsDto, SettingsUpdate } from '#shared/intake'
import { readJsonFile, writeJsonFile } from '../storage/json-file'
import { parseBootstrap, type BootstrapNode } from '../network/bootstrap'
import { logger } from './logging'

const log = logger('settings')

/**
 * Everything the app keeps in `settings.json`: every field of the contract's SettingsUpdate, all
 * present. The private key is PEM text (a path given in the environment is read at start).
 * Secrets stay on this machine and never reach the window.
 */
export type Settings = Required<SettingsUpdate>

const DEFAULTS: Settings = {
  applicationId: '',
  privateKey: '',
  signatureSecret: '',
  publicUrl: '',
  apiHost: '',
  mode: 'record',
  greeting: 'Welcome to your voice journal. Speak after the beep, and press star or hang up when you are done.',
  endOnKey: '*',
  maxSeconds: 900,
  allowedCallers: [],
  bootstrap: [],
  // Starting with the session is the user's choice; notifications are what the desktop app is for.
  openAtLogin: false,
  notifyCallEntries: true,
  notifyFailedDownloads: true,
  notifyFollowedEntries: true
}

/** The desktop switches, named in words and by field in error messages (the window finds the field by its name). */
const SWITCHES = {
  openAtLogin: 'Start at login',
  notifyCallEntries: 'Notify about new entries from calls',
  notifyFailedDownloads: 'Notify about failed downloads',
  notifyFollowedEntries: 'Notify about new entries in followed journals'
} as const satisfies Partial<Record<keyof Settings, string>>

/** Environment variables that override saved settings for one run (product brief: keep stable). */
const ENVIRONMENT: Record<string, keyof Settings> = {
  VONAGE_APPLICATION_ID: 'applicationId',
  VONAGE_PRIVATE_KEY: 'privateKey',
  VONAGE_SIGNATURE_SECRET: 'signatureSecret',
  PUBLIC_URL: 'publicUrl',
  VONAGE_API_HOST: 'apiHost',
  JOURNAL_MODE: 'mode'
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SettingsError'
  }
}

export class SettingsStore {
  private readonly listeners = new Set<(value: Settings) => void>()

  private constructor(
    private readonly file: string,
    private saved: Settings,
    private readonly overrides: Partial<Settings>
  ) {}

  static async load(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<SettingsStore> {
    const file = join(dataDir, 'settings.json')
    const saved = { ...DEFAULTS, ...(await readJsonFile<Partial<Settings>>(file, {})) }
    const overrides = readEnvironment(env)
    const store = new SettingsStore(file, saved, overrides)
    // A bad value in the file or the environment should stop the start with its name, not fail later.
    const problem = validate(store.value)
    if (problem) throw new SettingsError(problem)
    return store
  }

  /** The settings in force: saved values with the environment's on top. */
  get value(): Settings {
    return { ...this.saved, ...this.overrides }
  }

  bootstrapNodes(): BootstrapNode[] {
    return parseBootstrap(this.value.bootstrap.join(','))
  }

  /** Validates the whole result before writing anything: a bad field changes nothing. */
  async update(change: SettingsUpdate): Promise<void> {
    const next: Settings = { ...this.saved }
    for (const [key, value] of Object.entries(change) as Array<[keyof SettingsUpdate, unknown]>) {
      if (value === undefined) continue
      if (!(key in DEFAULTS)) throw new SettingsError(`Unknown setting "${key}"`)
      if (key in this.overrides) throw new SettingsError(`${key} is set by an environment variable for this run`)
      ;(next as unknown as Record<string, unknown>)[key] = typeof value === 'string' ? value.trim() : value
    }
    if (change.privateKey?.trim()) next.privateKey = change.privateKey.trim() + '\n'
    // People paste numbers as they write them: "+44 7700 900123" is 447700900123.
    if (Array.isArray(change.allowedCallers)) next.allowedCallers = change.allowedCallers.map((n) => String(n).replace(/[\s()+.-]/g, '')).filter(Boolean)
    const problem = validate({ ...next, ...this.overrides })
    if (problem) throw new SettingsError(problem)
    await writeJsonFile(this.file, next)
    this.saved = next
    for (const listener of this.listeners) {
      // The change is saved whatever a listener does; its failure is its own, not the save's.
      try {
        listener(this.value)
      } catch (error) {
        log.error({ err: error }, 'a settings change listener failed')
      }
    }
  }

  /** Called after every saved change (the desktop adapter re-applies the login item); returns the unsubscribe. */
  onChange(listener: (value: Settings) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** What the window may see: no secrets, plus the URLs to paste into Vonage. */
  toDto(): SettingsDto {
    const value = this.value
    const base = value.publicUrl.replace(/\/+$/, '')
    return {
      applicationId: value.applicationId,
      privateKeySet: value.privateKey !== '',
      signatureSecretSet: value.signatureSecret !== '',
      publicUrl: value.publicUrl,
      apiHost: value.apiHost,
      mode: value.mode,
      greeting: value.greeting,
      endOnKey: value.endOnKey,
      maxSeconds: value.maxSeconds,
      allowedCallers: value.allowedCallers,
      bootstrap: value.bootstrap,
      openAtLogin: value.openAtLogin,
      notifyCallEntries: value.notifyCallEntries,
      notifyFailedDownloads: value.notifyFailedDownloads,
      notifyFollowedEntries: value.notifyFollowedEntries,
      fromEnvironment: Object.keys(this.overrides),
      vonageConfigured: value.applicationId !== '' && value.privateKey !== '',
      webhookUrls: base ? { answer: `${base}/webhooks/answer`, event: `${base}/webhooks/event` } : null
    }
  }
}

function readEnvironment(env: NodeJS.ProcessEnv): Partial<Settings> {
  const overrides: Record<string, unknown> = {}
  for (const [variable, key] of Object.entries(ENVIRONMENT)) {
    const raw = env[variable]?.trim()
    if (!raw) continue
    overrides[key] = key === 'privateKey' ? readPrivateKey(raw) : raw
  }
  return overrides as Partial<Settings>
}

/** VONAGE_PRIVATE_KEY is the PEM itself or a path to it (as the Vonage tools accept). */
function readPrivateKey(value: string): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n')
  if (!existsSync(value)) throw new SettingsError(`VONAGE_PRIVATE_KEY is neither a PEM key nor an existing file: ${value}`)
  return readFileSync(value, 'utf8')
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The first problem with a set of settings, named so the user knows which field to fix; null if fine. */
export function validate(value: Settings): string | null {
  if (value.applicationId && !UUID.test(value.applicationId)) return 'Application id must be the UUID shown in the Vonage dashboard'
  if (value.privateKey) {
    try {
      createPrivateKey(value.privateKey)
    } catch {
      return 'Private key must be the PEM file Vonage gave you (-----BEGIN PRIVATE KEY-----)'
    }
  }
  if (value.signatureSecret && value.signatureSecret.length < 16) return 'Signature secret looks too short: copy it from the Vonage dashboard (account settings)'
  for (const [name, url] of [
    ['Public URL', value.publicUrl],
    ['API host', value.apiHost]
  ] as const) {
    if (!url) continue
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return `${name} must be a full URL, e.g. https://example.ngrok.app`
    }
    if (!['http:', 'https:'].includes(parsed.protocol) || parsed.username || parsed.password || parsed.search || parsed.hash) {
      return `${name} must be a plain http(s) address without credentials, query or fragment`
    }
  }
  if (value.mode !== 'record' && value.mode !== 'stream') return 'Mode must be "record" or "stream" (JOURNAL_MODE)'
  if (typeof value.greeting !== 'string' || value.greeting.length > 1500) return 'Greeting must be at most 1,500 characters'
  if (!/^[0-9*#]$/.test(value.endOnKey)) return 'End-on key must be one of 0-9, * or #'
  if (!Number.isInteger(value.maxSeconds) || value.maxSeconds < 3 || value.maxSeconds > 7200) return 'Maximum length must be from 3 to 7200 seconds'
  if (!Array.isArray(value.allowedCallers) || value.allowedCallers.some((n) => typeof n !== 'string' || !/^\d{6,15}$/.test(n))) {
    return 'Allowed callers must be phone numbers in international format, digits only (e.g. 447700900123)'
  }
  // The API checks the shapes of text fields only, so a switch sent as "yes" or 1 is caught here.
  for (const [key, label] of Object.entries(SWITCHES) as Array<[keyof typeof SWITCHES, string]>) {
    if (typeof value[key] !== 'boolean') return `${label} (${key}) must be true or false`
  }
  if (!Array.isArray(value.bootstrap)) return 'Bootstrap nodes must be a list of host:port'
  try {
    parseBootstrap(value.bootstrap.join(','))
  } catch (error) {
    return (error as Error).message
  }
  return null
}
