import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createPrivateKey } from 'node:crypto'
import * as v from 'valibot'
import type { SettingsDto } from '#shared/intake'
import {
  environmentVariableOf,
  parseStaffList,
  SETTINGS_ENVIRONMENT,
  settingsFieldOf,
  settingsConflict,
  SettingsSchema,
  SettingsUpdateSchema,
  type Settings,
  type SettingsField
} from '#shared/settings-schema'
import { readJsonFile, writeJsonFile } from '../storage/json-file'
import { parseBootstrap, type BootstrapNode } from '../network/bootstrap'
import { currentLogFile, logger } from './logging'

export type { Settings } from '#shared/settings-schema'

const log = logger('settings')

/** A refused setting: the message names it in words, `field` names it for the window. */
export class SettingsError extends Error {
  constructor(
    message: string,
    readonly field: SettingsField | null
  ) {
    super(message)
    this.name = 'SettingsError'
  }
}

/**
 * Everything the app keeps in `settings.json`, checked against the one settings schema
 * (src/shared/settings-schema.ts) when read, when the environment overrides it and on every
 * change. The private key is PEM text (a path given in the environment is read at start).
 * Secrets stay on this machine and never reach the window.
 */
export class SettingsStore {
  private readonly listeners = new Set<(value: Settings) => void>()

  private constructor(
    private readonly file: string,
    private saved: Settings,
    private readonly overrides: Partial<Settings>
  ) {}

  static async load(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<SettingsStore> {
    const file = join(dataDir, 'settings.json')
    // A bad value in the file or the environment stops the start with its name, not a failure later.
    const saved = check(SettingsSchema, await readJsonFile<unknown>(file, {}), (message) => `settings.json: ${message}`)
    const store = new SettingsStore(file, saved, readEnvironment(env))
    checkPrivateKey(store.value)
    checkConflicts(store.value)
    return store
  }

  /** The settings in force: saved values with the environment's on top. */
  get value(): Settings {
    return { ...this.saved, ...this.overrides }
  }

  bootstrapNodes(): BootstrapNode[] {
    return parseBootstrap(this.value.bootstrap.join(','))
  }

  /** Checks the whole change before writing anything: a refused field changes nothing. */
  async update(change: unknown): Promise<void> {
    const update = check(SettingsUpdateSchema, change)
    const next: Settings = { ...this.saved }
    for (const [field, value] of Object.entries(update) as Array<[SettingsField, unknown]>) {
      if (value === undefined) continue
      if (field in this.overrides) throw new SettingsError(`${field} is set by the ${environmentVariableOf(field)} environment variable for this run`, field)
      ;(next as Record<SettingsField, unknown>)[field] = value
    }
    checkPrivateKey({ ...next, ...this.overrides })
    checkConflicts({ ...next, ...this.overrides })
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
    const { privateKey, signatureSecret, notifyWebhookSecret, ...visible } = this.value
    const base = visible.publicUrl.replace(/\/+$/, '')
    return {
      ...visible,
      privateKeySet: privateKey !== '',
      signatureSecretSet: signatureSecret !== '',
      notifyWebhookSecretSet: notifyWebhookSecret !== '',
      fromEnvironment: Object.keys(this.overrides) as SettingsField[],
      vonageConfigured: visible.applicationId !== '' && privateKey !== '',
      webhookUrls: base ? { answer: `${base}/webhooks/answer`, event: `${base}/webhooks/event` } : null,
      logFile: currentLogFile()
    }
  }
}

/** Parses with `schema`, or throws a SettingsError with the first issue's message and field. */
function check<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  describe: (message: string) => string = (message) => message,
  /** The field when `schema` is one field's (its issues carry no path). */
  field: SettingsField | null = null
): v.InferOutput<S> {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  const issue = result.issues[0]
  throw new SettingsError(describe(issue.message), settingsFieldOf(issue) ?? field)
}

function readEnvironment(env: NodeJS.ProcessEnv): Partial<Settings> {
  const overrides: Partial<Record<SettingsField, unknown>> = {}
  for (const [variable, field] of Object.entries(SETTINGS_ENVIRONMENT)) {
    const raw = env[variable]?.trim()
    if (!raw) continue
    const value = field === 'privateKey' ? readPrivateKey(raw) : field === 'hotlineStaff' ? parseStaffList(raw) : raw
    overrides[field] = check(SettingsSchema.entries[field], value, (message) => `${variable}: ${message}`, field)
  }
  return overrides as Partial<Settings>
}

/** VONAGE_PRIVATE_KEY is the PEM itself or a path to it (as the Vonage tools accept). */
function readPrivateKey(value: string): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n')
  if (!existsSync(value)) throw new SettingsError(`VONAGE_PRIVATE_KEY is neither a PEM key nor an existing file: ${value}`, 'privateKey')
  return readFileSync(value, 'utf8')
}

/** A rule between fields (a webhook URL without its secret), named at the field to fix. */
function checkConflicts(settings: Settings): void {
  const conflict = settingsConflict(settings)
  if (conflict) throw new SettingsError(conflict.message, conflict.field)
}

/** The schema checks a PEM's shape; only Node can tell whether it is a key it can sign with. */
function checkPrivateKey(settings: Settings): void {
  if (!settings.privateKey) return
  try {
    createPrivateKey(settings.privateKey)
  } catch {
    throw new SettingsError('Private key must be the PEM file Vonage gave you (-----BEGIN PRIVATE KEY-----)', 'privateKey')
  }
}
