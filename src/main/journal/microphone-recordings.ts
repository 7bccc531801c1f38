import { randomUUID } from 'node:crypto'
import { copyFile, mkdir, open, readdir, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { IMPORT_CHUNK_BYTES, RECORDING_MAX_BYTES } from '#shared/api'
import type { EntryDto } from '#shared/dto'
import { ImportError } from './audio-import'
import { NotAudioError } from './audio-probe'
import type { Journal } from './journal'
import { looksLikeEbml, WebmError } from './webm-audio'
import { sealWebmRecording } from './webm-seal'
import { logger } from '../app/logging'

const log = logger('microphone')

/** A recording the window stopped sending for this long is taken as abandoned and kept as a partial entry. */
export const DEFAULT_RECORDING_IDLE_MS = 20_000
/** Used by tests only, to finish an abandoned recording in seconds: milliseconds. */
export const RECORDING_IDLE_ENVIRONMENT_VARIABLE = 'VOICE_JOURNAL_RECORDING_IDLE_MS'

const RECORDING_ID = /^[0-9a-f-]{36}$/

interface OpenRecording {
  id: string
  handle: FileHandle
  received: number
  startedAt: number
  lastHeardAt: number
  /** A finish or cancel is under way: nothing else may touch the file. */
  closing: boolean
}

export interface MicrophoneRecordingsOptions {
  dir: string
  /** Where finished recordings go: the active journal at the time they finish. */
  journal: () => Journal
  idleMs?: number
  now?: () => number
}

/**
 * Recordings made in the window, streamed here chunk by chunk while they are made, so a window
 * that closes, crashes or loses the app mid-way loses at most the last second: a recording not
 * heard from for `idleMs` (the window sends a chunk a second while recording and a keep-alive
 * while paused) becomes an entry marked partial, and one left by an app that stopped is finished
 * the same way at the next start. Only a deliberate cancel throws one away.
 *
 * Each recording is `<id>.webm` with `<id>.json` (when it started) in a folder that survives
 * restarts; the id becomes the entry's file name, so finishing one twice adds it once.
 */
export class MicrophoneRecordings {
  private readonly open = new Map<string, OpenRecording>()
  private readonly idleMs: number
  private readonly now: () => number
  private sweeper: NodeJS.Timeout | null = null
  private leftovers: Promise<void> = Promise.resolve()

  constructor(private readonly options: MicrophoneRecordingsOptions) {
    this.idleMs = options.idleMs ?? DEFAULT_RECORDING_IDLE_MS
    this.now = options.now ?? Date.now
  }

  /** Finishes what a previous run left (in the background: a held journal must not hold up the start). */
  async boot(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true })
    this.leftovers = this.finishLeftovers().catch((error: unknown) => log.error({ err: error }, 'could not finish the recordings a previous run left'))
    this.sweeper = setInterval(() => this.sweep(), Math.max(250, Math.min(5000, this.idleMs / 4)))
    this.sweeper.unref()
  }

  /** Resolves once the leftovers of a previous run have been dealt with (tests). */
  settled(): Promise<void> {
    return this.leftovers
  }

  /** How often a paused window checks in: a few times within the idle limit, so one late call is no loss. */
  get keepAliveMs(): number {
    return Math.max(200, Math.floor(this.idleMs / 4))
  }

  has(id: string): boolean {
    return this.open.has(id)
  }

  async begin(): Promise<string> {
    const id = randomUUID()
    const startedAt = this.now()
    await writeFile(this.metaFile(id), JSON.stringify({ startedAt }))
    const handle = await open(this.audioFile(id), 'wx')
    this.open.set(id, { id, handle, received: 0, startedAt, lastHeardAt: startedAt, closing: false })
    return id
  }

  async append(id: string, chunk: Uint8Array): Promise<number> {
    const recording = this.get(id)
    if (chunk.byteLength === 0 || chunk.byteLength > IMPORT_CHUNK_BYTES) throw new ImportError('bad-request', `A chunk must hold 1 to ${IMPORT_CHUNK_BYTES} bytes.`)
    if (recording.received + chunk.byteLength > RECORDING_MAX_BYTES) {
      // Kept, not thrown away: what was said so far is the person's, and the window is told to stop.
      await this.finish(id, { partial: true })
      throw new ImportError('too-large', `The recording reached ${RECORDING_MAX_BYTES / 2 ** 20} MiB, the most one entry holds; what was recorded is kept.`)
    }
    recording.lastHeardAt = this.now()
    await recording.handle.write(chunk, 0, chunk.byteLength, recording.received)
    recording.received += chunk.byteLength
    return recording.received
  }

  /** The window is still there, recording paused: not abandoned. */
  keep(id: string): void {
    this.get(id).lastHeardAt = this.now()
  }

  async finish(id: string, { partial = false, title }: { partial?: boolean; title?: string } = {}): Promise<EntryDto> {
    const recording = this.get(id)
    recording.closing = true
    this.open.delete(id)
    await recording.handle.close()
    return this.keepAsEntry(id, recording.startedAt, partial, title)
  }

  async cancel(id: string): Promise<void> {
    const recording = this.open.get(id)
    if (!recording || recording.closing) return
    recording.closing = true
    this.open.delete(id)
    await recording.handle.close().catch((error: unknown) => log.warn({ err: error, id }, 'could not close a cancelled recording'))
    await this.discard(id)
  }

  /** Stops taking chunks; what was recorded stays on disk and becomes a partial entry at the next start. */
  async shutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = null
    await this.leftovers
    for (const recording of this.open.values()) {
      recording.closing = true
      await recording.handle.close().catch(() => undefined)
    }
    this.open.clear()
  }

  private sweep(): void {
    const now = this.now()
    for (const recording of [...this.open.values()]) {
      if (recording.closing || now - recording.lastHeardAt < this.idleMs) continue
      log.info({ id: recording.id, bytes: recording.received }, 'the window stopped sending a recording: keeping it as a partial entry')
      this.finish(recording.id, { partial: true }).catch((error: unknown) => log.error({ err: error, id: recording.id }, 'could not keep an abandoned recording'))
    }
  }

  private async finishLeftovers(): Promise<void> {
    for (const name of await readdir(this.options.dir)) {
      const id = name.replace(/\.json$/, '')
      if (id === name || !RECORDING_ID.test(id)) continue
      const startedAt = await readStartedAt(this.metaFile(id))
      await this.keepAsEntry(id, startedAt ?? this.now(), true).then(
        (entry) => log.info({ id, path: entry.path }, 'kept a recording the previous run left unfinished'),
        (error: unknown) => log.warn({ err: error, id }, 'could not keep a recording the previous run left unfinished; trying again at the next start')
      )
    }
  }

  /** Seals a WebM recording (cut after its last whole block, duration in its header) and adds it to the journal. */
  private async keepAsEntry(id: string, startedAt: number, partial: boolean, title?: string): Promise<EntryDto> {
    const sealed = join(this.options.dir, `${id}.sealed`)
    try {
      await rm(sealed, { force: true })
      if (await isWebm(this.audioFile(id))) {
        await sealWebmRecording(this.audioFile(id), sealed).catch((error: unknown) => {
          throw error instanceof WebmError ? new NotAudioError(`The recording holds no audio we can keep: ${error.message}`) : error
        })
      } else {
        // Ogg (where a browser records that) states its length on every page: the probe reads it as it is.
        await copyFile(this.audioFile(id), sealed)
      }
      const entry = await this.options.journal().addAudioFile(sealed, {
        source: 'microphone',
        id,
        madeAt: new Date(startedAt),
        ...(title?.trim() ? { title: title.trim() } : {}),
        ...(partial ? { partial: true } : {})
      })
      await this.discard(id)
      return entry
    } catch (error) {
      // A recording with no whole block of audio yet (closed in its first second) has nothing to keep.
      if (partial && isNothingToKeep(error)) {
        log.info({ id }, 'an abandoned recording held no audio: discarded')
        await this.discard(id)
      }
      throw error
    } finally {
      await rm(sealed, { force: true })
    }
  }

  private get(id: string): OpenRecording {
    const recording = this.open.get(id)
    if (!recording || recording.closing) throw new ImportError('not-found', 'That recording is not in progress (it was stopped, cancelled, or kept after the window went quiet).')
    return recording
  }

  private async discard(id: string): Promise<void> {
    await rm(this.audioFile(id), { force: true })
    await rm(this.metaFile(id), { force: true })
  }

  private audioFile(id: string): string {
    return join(this.options.dir, `${id}.webm`)
  }

  private metaFile(id: string): string {
    return join(this.options.dir, `${id}.json`)
  }
}

/** The recording test override, or the default. */
export function recordingIdleMsFromEnvironment(env: NodeJS.ProcessEnv): number {
  const raw = env[RECORDING_IDLE_ENVIRONMENT_VARIABLE]?.trim()
  if (!raw) return DEFAULT_RECORDING_IDLE_MS
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 500) throw new Error(`${RECORDING_IDLE_ENVIRONMENT_VARIABLE} must be a whole number of milliseconds, 500 or more`)
  return value
}

async function readStartedAt(file: string): Promise<number | null> {
  try {
    const { startedAt } = JSON.parse(await readFile(file, 'utf8')) as { startedAt?: unknown }
    return typeof startedAt === 'number' && Number.isFinite(startedAt) ? startedAt : null
  } catch {
    return null
  }
}

function isNothingToKeep(error: unknown): boolean {
  return error instanceof NotAudioError || (error as NodeJS.ErrnoException | null)?.code === 'ENOENT'
}

async function isWebm(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const head = new Uint8Array(4)
    const { bytesRead } = await handle.read(head, 0, 4, 0)
    return looksLikeEbml(head.subarray(0, bytesRead))
  } finally {
    await handle.close()
  }
}
