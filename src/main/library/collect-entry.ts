import { randomUUID } from 'node:crypto'
import { open, rm } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import type { EntryDto } from '#shared/dto'
import { NotAudioError, probeAudio } from '../journal/audio-probe'
import { entryPath, formatOfPath, isEntryId, isEntryPath } from '../journal/entry-path'
import type { Journal } from '../journal/journal'
import { collectTranscript } from './collect-transcript'

/**
 * How long the copy waits for each block of audio a peer has to send: a source whose peers left
 * mid-copy fails the entry (retried later) instead of holding the collector forever.
 */
const BLOCK_TIMEOUT_MS = 30_000

/** Why one entry was not collected; `permanent`: trying again cannot help (the entry itself is unusable). */
export class CollectError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean
  ) {
    super(message)
    this.name = 'CollectError'
  }
}

/**
 * Copies one entry of `source` into `into` at the same path, with its recording time, duration,
 * source, title and where it came from, and its transcript if it has one; nothing else of its metadata is copied. The audio goes
 * through a file in `spoolDir` one block at a time, so a long recording costs no memory, and is
 * probed like any audio from outside. An entry already at that path (collected before a crash
 * cut the ledger write short, or a fork's copy) is returned as it is, without reading the audio.
 */
export async function collectEntry(source: Journal, entry: EntryDto, into: Journal, spoolDir: string, signal: AbortSignal): Promise<EntryDto> {
  const id = basename(entry.path, extname(entry.path))
  if (!isEntryPath(entry.path) || !isEntryId(id)) throw new CollectError('Not an entry this app can copy (its path is not one the app writes).', true)
  const madeAt = new Date(entry.mtime)
  if (!Number.isFinite(madeAt.getTime())) throw new CollectError('The entry has no valid recording time.', true)
  const existing = await into.getEntry(entryPath(madeAt, id, formatOfPath(entry.path)))
  if (existing) {
    await collectTranscript(source, entry.path, into, existing.path)
    return existing
  }
  const file = join(spoolDir, `${randomUUID()}.part`)
  try {
    await copyAudio(source, entry.path, file, signal)
    const probe = await probeAudio(file).catch((error: unknown) => {
      throw error instanceof NotAudioError ? new CollectError(error.message, true) : error
    })
    const collected = await into.addAudioFile(file, {
      id,
      madeAt,
      source: entry.source,
      ...(entry.title ? { title: entry.title } : {}),
      ...(entry.partial ? { partial: true } : {}),
      // One call's recordings stay one call here too.
      ...(entry.callId ? { callId: entry.callId } : {}),
      collectedFrom: { key: source.id, path: entry.path },
      // The source's duration is kept (a streamed call's came from the stream itself).
      audio: { format: probe.format, durationMs: entry.durationMs > 0 ? entry.durationMs : probe.durationMs }
    })
    // Its words come with it (not in the `copy` above: a transcript is small and optional).
    await collectTranscript(source, entry.path, into, collected.path)
    return collected
  } finally {
    await rm(file, { force: true })
  }
}

async function copyAudio(source: Journal, path: string, file: string, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  const audio = await source.openAudio(path)
  const handle = await open(file, 'wx')
  const stream = audio.read(undefined, { timeout: BLOCK_TIMEOUT_MS })
  const abort = (): void => {
    stream.destroy()
  }
  signal.addEventListener('abort', abort)
  try {
    let written = 0
    for await (const chunk of stream) {
      const bytes = chunk as Uint8Array
      await handle.write(bytes, 0, bytes.byteLength, written)
      written += bytes.byteLength
    }
    // A stream destroyed by the abort may simply end: only the whole audio counts.
    signal.throwIfAborted()
    if (written !== audio.size) throw new Error(`The audio ended after ${written} of ${audio.size} bytes.`)
  } finally {
    signal.removeEventListener('abort', abort)
    stream.destroy()
    await handle.close()
    await audio.close()
  }
}
