import { createHash } from 'node:crypto'
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { logger } from '../app/logging'
import { JournalSearchIndex } from './journal-search-index'
import { IV_BYTES, newIv, openWith, sealWith, TAG_BYTES } from './index-file-seal'

const log = logger('search')

/** Raised whenever what is written changes meaning: an older file is then ignored and rebuilt. */
const FORMAT = 1
const KIND = 'voice-journal search index'
/** Only the user may read it: it holds what was said in the journal's calls (see index-file-seal.ts for private journals). */
const FILE_MODE = 0o600
/** The first line is a small header; a file whose first line is longer is not one of ours. */
const HEADER_MAX_BYTES = 4096
/** The last line: the SHA-256 of every line before it, so a file cut short or changed is never trusted (a public journal's is not sealed). */
const END = '["end","'
/** Lines are gathered into writes of about this size. */
const WRITE_CHUNK_BYTES = 1 << 20

interface Header {
  kind: typeof KIND
  format: number
  journal: string
  /** The journal's Hypercore fork and version the index reflects: it catches up from there. */
  fork: number
  version: number
  sealed: boolean
  iv?: string
}

/** What the search keeps of a journal's index between runs. */
export interface SavedIndex {
  fork: number
  version: number
  /** Transcripts a peer had not sent yet: still to be read. */
  unread: string[]
}

/**
 * Each journal's search index in the data directory (`search-indexes/<journal key>.ndjson`), so
 * that the first search after a start loads it and catches up from the version it reflects instead
 * of reading every transcript again. Lines of JSON: a header (which journal, which version), then
 * the index (JournalSearchIndex.snapshot), sealed for a private journal (index-file-seal.ts). It is
 * only ever a cache: a file that is missing, damaged, foreign or of an older format is ignored with
 * a log line, and the index is built from the journal as before.
 */
export class SearchIndexFiles {
  constructor(readonly dir: string) {}

  fileOf(journalId: string): string {
    return join(this.dir, `${journalId}.ndjson`)
  }

  /** The saved index of journal `journalId`, or null (none, or not one to trust: logged). */
  async read(journalId: string, readKey: Buffer | null): Promise<(SavedIndex & { index: JournalSearchIndex }) | null> {
    const file = this.fileOf(journalId)
    let handle: FileHandle
    try {
      handle = await open(file, 'r')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: error, file }, 'cannot read the search index file; the index is built from the journal')
      return null
    }
    let body: Readable | null = null
    try {
      const { size } = await handle.stat()
      const start = Buffer.alloc(Math.min(size, HEADER_MAX_BYTES))
      await handle.read(start, 0, start.length, 0)
      const newline = start.indexOf(0x0a)
      if (newline < 0) throw new Error('no header line')
      const headerBytes = start.subarray(0, newline)
      const header = JSON.parse(headerBytes.toString('utf8')) as Partial<Header>
      if (header.kind !== KIND) throw new Error('not a search index')
      if (header.format !== FORMAT) throw new Error(`format ${String(header.format)}, not ${FORMAT}`)
      if (header.journal !== journalId) throw new Error('the index of another journal')
      if (typeof header.fork !== 'number' || typeof header.version !== 'number') throw new Error('no version')
      if (header.sealed !== (readKey !== null)) throw new Error(readKey ? 'not sealed, and the journal is private' : 'sealed, and the journal is public')
      if (readKey) {
        const iv = Buffer.from(header.iv ?? '', 'base64')
        if (iv.length !== IV_BYTES || size < newline + 1 + TAG_BYTES) throw new Error('a sealed index cut short')
        const tag = Buffer.alloc(TAG_BYTES)
        await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES)
        const decipher = openWith(readKey, iv, headerBytes, tag)
        const sealed = handle.createReadStream({ start: newline + 1, end: size - TAG_BYTES - 1, autoClose: false })
        sealed.on('error', (error) => decipher.destroy(error))
        body = sealed.pipe(decipher)
      } else {
        body = handle.createReadStream({ start: newline + 1, autoClose: false })
      }
      body.setEncoding('utf8')
      const lines = checked(linesOf(body))
      const first = await lines.next()
      const state = (first.done ? null : JSON.parse(first.value)) as { unread?: unknown } | null
      const unread = Array.isArray(state?.unread) ? state.unread.filter((path): path is string => typeof path === 'string') : null
      if (!unread) throw new Error('no state line')
      // The seal's tag is checked at the end of the stream, before the index is put together.
      const index = await JournalSearchIndex.restore({ [Symbol.asyncIterator]: () => lines })
      return { fork: header.fork, version: header.version, unread, index }
    } catch (error) {
      log.warn({ err: error, file }, 'search index file not used (damaged, foreign or older); the index is built from the journal')
      return null
    } finally {
      body?.destroy()
      await handle.close()
    }
  }

  /**
   * Writes the index through a temporary file, flushed to the disk before it is renamed over the
   * old one: a crash leaves the old file or the new, never half of one (and a half one would fail
   * its header, its JSON or its seal anyway).
   */
  async write(journalId: string, readKey: Buffer | null, saved: SavedIndex, lines: Iterable<string>): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const file = this.fileOf(journalId)
    const temporary = `${file}.tmp`
    const handle = await open(temporary, 'w', FILE_MODE)
    try {
      // A temporary file left by a crash keeps its mode when reopened: narrow it again.
      if (process.platform !== 'win32') await handle.chmod(FILE_MODE)
      const iv = readKey ? newIv() : null
      const header: Header = { kind: KIND, format: FORMAT, journal: journalId, fork: saved.fork, version: saved.version, sealed: iv !== null, ...(iv ? { iv: iv.toString('base64') } : {}) }
      const headerBytes = Buffer.from(JSON.stringify(header))
      await handle.write(Buffer.concat([headerBytes, Buffer.from('\n')]))
      const cipher = readKey && iv ? sealWith(readKey, iv, headerBytes) : null
      const hash = createHash('sha256')
      let chunk: string[] = []
      let chunkLength = 0
      const flush = async (): Promise<void> => {
        const bytes = Buffer.from(chunk.join(''))
        chunk = []
        chunkLength = 0
        await handle.write(cipher ? cipher.update(bytes) : bytes)
      }
      const add = async (line: string): Promise<void> => {
        hash.update(line).update('\n')
        chunk.push(line, '\n')
        chunkLength += line.length + 1
        if (chunkLength >= WRITE_CHUNK_BYTES) await flush()
      }
      await add(JSON.stringify({ unread: saved.unread }))
      for (const line of lines) await add(line)
      chunk.push(`${END}${hash.digest('hex')}"]\n`)
      await flush()
      if (cipher) await handle.write(Buffer.concat([cipher.final(), cipher.getAuthTag()]))
      await handle.sync()
    } catch (error) {
      await handle.close()
      await rm(temporary, { force: true })
      throw error
    }
    await handle.close()
    await rename(temporary, file)
  }

  /** The journal left the library: its index goes with it. */
  async remove(journalId: string): Promise<void> {
    const file = this.fileOf(journalId)
    await rm(file, { force: true })
    await rm(`${file}.tmp`, { force: true })
  }
}

/** The lines before the end line, once their hash is checked against it (the last line read throws if not). */
async function* checked(lines: AsyncIterable<string>): AsyncGenerator<string> {
  const hash = createHash('sha256')
  const iterator = lines[Symbol.asyncIterator]()
  for (;;) {
    const next = await iterator.next()
    if (next.done) throw new Error('the file ends before its last line')
    if (next.value.startsWith(END)) {
      if (next.value !== `${END}${hash.digest('hex')}"]`) throw new Error('the lines do not match their hash')
      // Reading on to the end of the stream is what checks a sealed file's tag.
      if (!(await iterator.next()).done) throw new Error('lines after the last line')
      return
    }
    hash.update(next.value).update('\n')
    yield next.value
  }
}

/** The text of `stream` line by line (its encoding set, so no character is cut in two). */
async function* linesOf(stream: Readable): AsyncGenerator<string> {
  let rest = ''
  for await (const chunk of stream as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop()!
    for (const line of lines) if (line) yield line
  }
  if (rest) yield rest
}
