import { createHash } from 'node:crypto'
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { Log } from '../app/logging'
import { IV_BYTES, newIv, openWith, sealWith, TAG_BYTES } from './index-file-seal'

/** Only the user may read it: it holds what the journal holds (see index-file-seal.ts for private journals). */
const FILE_MODE = 0o600
/** The first line is a small header; a file whose first line is longer is not one of ours. */
const HEADER_MAX_BYTES = 4096
/** The last line: the SHA-256 of every line before it, so a file cut short or changed is never trusted (a public journal's is not sealed). */
const END = '["end","'
/** Lines are gathered into writes of about this size. */
const WRITE_CHUNK_BYTES = 1 << 20

interface Header {
  kind: string
  format: number
  journal: string
  /** The journal's Hypercore fork and version the file reflects: its reader catches up from there. */
  fork: number
  version: number
  sealed: boolean
  iv?: string
}

/** The lines of a file, one after another (a `for await` may stop early: the rest is still checked). */
export interface LineReader extends AsyncIterable<string> {
  next(): Promise<IteratorResult<string, unknown>>
}

/** The journal version a file reflects. */
export interface CachedAt {
  fork: number
  version: number
}

export interface JournalCacheKind {
  /** The header's `kind`: a file of another kind is not read. */
  kind: string
  /** Raised whenever what is written changes meaning: an older file is then ignored. */
  format: number
  log: Log
  /** For log lines: "search index", "entry list". */
  what: string
  /** For log lines: what happens instead of using the file. */
  otherwise: string
}

/**
 * Something kept for each journal in the data directory (`<dir>/<journal key>.ndjson`), to be
 * caught up from the version it reflects rather than worked out from the whole journal at the next
 * start: the search index, the entry list. Lines of JSON: a header (which kind, which journal,
 * which version), the lines of what is kept, and a last line with the SHA-256 of those; sealed for
 * a private journal (index-file-seal.ts). It is only ever a cache: a file that is missing, damaged,
 * foreign or of an older format is ignored with a log line, and the caller works it out again.
 */
export class JournalCacheFiles {
  constructor(
    readonly dir: string,
    private readonly kind: JournalCacheKind
  ) {}

  fileOf(journalId: string): string {
    return join(this.dir, `${journalId}.ndjson`)
  }

  /**
   * What `parse` makes of the lines of journal `journalId`'s file, or null (none, or not one to
   * trust: logged). `parse` must read every line: the hash and the seal are checked at the end.
   */
  async read<T>(journalId: string, readKey: Buffer | null, parse: (lines: LineReader) => Promise<T>): Promise<(CachedAt & { value: T }) | null> {
    const file = this.fileOf(journalId)
    const { log, what, otherwise } = this.kind
    let handle: FileHandle
    try {
      handle = await open(file, 'r')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: error, file }, `cannot read the ${what} file; ${otherwise}`)
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
      if (header.kind !== this.kind.kind) throw new Error(`not a ${what}`)
      if (header.format !== this.kind.format) throw new Error(`format ${String(header.format)}, not ${this.kind.format}`)
      if (header.journal !== journalId) throw new Error(`the ${what} of another journal`)
      if (typeof header.fork !== 'number' || typeof header.version !== 'number') throw new Error('no version')
      if (header.sealed !== (readKey !== null)) throw new Error(readKey ? 'not sealed, and the journal is private' : 'sealed, and the journal is public')
      if (readKey) {
        const iv = Buffer.from(header.iv ?? '', 'base64')
        if (iv.length !== IV_BYTES || size < newline + 1 + TAG_BYTES) throw new Error(`a sealed ${what} cut short`)
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
      // Without `return`: a parser that stops early cannot end the reading before the hash is checked.
      const reader: LineReader = { next: () => lines.next(), [Symbol.asyncIterator]: () => reader }
      const value = await parse(reader)
      // Whatever `parse` left unread is read now: the hash, and a sealed file's tag, are checked at the end.
      if (!(await lines.next()).done) throw new Error('lines after the last line')
      return { fork: header.fork, version: header.version, value }
    } catch (error) {
      log.warn({ err: error, file }, `${what} file not used (damaged, foreign or older); ${otherwise}`)
      return null
    } finally {
      body?.destroy()
      await handle.close()
    }
  }

  /**
   * Writes the file through a temporary one, flushed to the disk before it is renamed over the
   * old one: a crash leaves the old file or the new, never half of one (and a half one would fail
   * its header, its JSON or its seal anyway).
   */
  async write(journalId: string, readKey: Buffer | null, at: CachedAt, lines: Iterable<string>): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const file = this.fileOf(journalId)
    const temporary = `${file}.tmp`
    const handle = await open(temporary, 'w', FILE_MODE)
    try {
      // A temporary file left by a crash keeps its mode when reopened: narrow it again.
      if (process.platform !== 'win32') await handle.chmod(FILE_MODE)
      const iv = readKey ? newIv() : null
      const header: Header = { kind: this.kind.kind, format: this.kind.format, journal: journalId, fork: at.fork, version: at.version, sealed: iv !== null, ...(iv ? { iv: iv.toString('base64') } : {}) }
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
      for (const line of lines) {
        hash.update(line).update('\n')
        chunk.push(line, '\n')
        chunkLength += line.length + 1
        if (chunkLength >= WRITE_CHUNK_BYTES) await flush()
      }
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

  /** The journal left the library: its file goes with it. */
  async remove(journalId: string): Promise<void> {
    const file = this.fileOf(journalId)
    await rm(file, { force: true })
    await rm(`${file}.tmp`, { force: true })
  }
}

/**
 * The lines before the end line, once their hash is checked against it (the last line read throws
 * if not); done once the stream is read to its end, which is what checks a sealed file's tag.
 */
async function* checked(lines: AsyncIterable<string>): AsyncGenerator<string> {
  const hash = createHash('sha256')
  const iterator = lines[Symbol.asyncIterator]()
  for (;;) {
    const next = await iterator.next()
    if (next.done) throw new Error('the file ends before its last line')
    if (next.value.startsWith(END)) {
      if (next.value !== `${END}${hash.digest('hex')}"]`) throw new Error('the lines do not match their hash')
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
