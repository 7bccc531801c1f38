import { randomUUID } from 'node:crypto'
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { IMPORT_CHUNK_BYTES, IMPORT_MAX_BYTES } from '#shared/api'
import type { EntryDto } from '#shared/dto'
import type { Journal } from './journal'
import { logger } from '../app/logging'

const log = logger('imports')

export class ImportError extends Error {
  constructor(
    readonly code: 'bad-request' | 'not-found' | 'too-large',
    message: string
  ) {
    super(message)
    this.name = 'ImportError'
  }
}

interface PendingImport {
  file: string
  handle: FileHandle
  expected: number
  received: number
  title: string
}

/**
 * Files the user adds arrive in chunks (so both transports can show progress and nothing holds a
 * whole file in memory) into a temporary file, and become an entry only once complete and checked.
 */
export class AudioImporter {
  private readonly pending = new Map<string, PendingImport>()

  constructor(private readonly spoolDir: string) {}

  /** Leftovers of a previous run cannot be finished (the window that sent them is gone). */
  async boot(): Promise<void> {
    await rm(this.spoolDir, { recursive: true, force: true })
    await mkdir(this.spoolDir, { recursive: true })
  }

  async begin(fileName: string, size: number): Promise<string> {
    if (!Number.isInteger(size) || size <= 0) throw new ImportError('bad-request', 'The file is empty.')
    if (size > IMPORT_MAX_BYTES) throw new ImportError('too-large', `The file is larger than ${IMPORT_MAX_BYTES / 2 ** 30} GiB.`)
    const importId = randomUUID()
    const file = join(this.spoolDir, `${importId}.part`)
    const handle = await open(file, 'wx')
    this.pending.set(importId, { file, handle, expected: size, received: 0, title: titleFromFileName(fileName) })
    return importId
  }

  async append(importId: string, chunk: Uint8Array): Promise<number> {
    const upload = this.get(importId)
    if (chunk.byteLength === 0 || chunk.byteLength > IMPORT_CHUNK_BYTES) {
      throw new ImportError('bad-request', `A chunk must hold 1 to ${IMPORT_CHUNK_BYTES} bytes.`)
    }
    if (upload.received + chunk.byteLength > upload.expected) {
      await this.cancel(importId)
      throw new ImportError('too-large', 'The file sent more bytes than it announced.')
    }
    await upload.handle.write(chunk, 0, chunk.byteLength, upload.received)
    upload.received += chunk.byteLength
    return upload.received
  }

  async finish(importId: string, journal: Journal, title?: string): Promise<EntryDto> {
    const upload = this.get(importId)
    if (upload.received !== upload.expected) {
      throw new ImportError('bad-request', `Only ${upload.received} of ${upload.expected} bytes arrived.`)
    }
    try {
      await upload.handle.close()
      return await journal.addAudioFile(upload.file, { source: 'import', title: title?.trim() || upload.title })
    } finally {
      await this.discard(importId)
    }
  }

  async cancel(importId: string): Promise<void> {
    const upload = this.pending.get(importId)
    if (!upload) return
    await upload.handle.close().catch((error: unknown) => log.warn({ err: error, importId }, 'could not close a cancelled import'))
    await this.discard(importId)
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((id) => this.cancel(id)))
  }

  private get(importId: string): PendingImport {
    const upload = this.pending.get(importId)
    if (!upload) throw new ImportError('not-found', 'That import is not in progress (it finished, was cancelled, or the app restarted).')
    return upload
  }

  private async discard(importId: string): Promise<void> {
    const upload = this.pending.get(importId)
    this.pending.delete(importId)
    if (upload) await rm(upload.file, { force: true })
  }
}

/** "2026-11-03 walk.mp3" → "2026-11-03 walk": what the user called the file is the natural title. */
function titleFromFileName(fileName: string): string {
  const name = basename(String(fileName))
  return name.slice(0, name.length - extname(name).length).slice(0, 200)
}
