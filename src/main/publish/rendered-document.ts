import { setImmediate as nextTurn } from 'node:timers/promises'
import { createGzip, type Gzip } from 'node:zlib'

type Bytes = Uint8Array<ArrayBuffer>

/**
 * One rendering of a page or a feed (one journal version), as bytes: plain, and gzipped once a
 * client that takes gzip asks. It is rendered from its pieces (feedPieces) when first asked for,
 * each piece encoded as soon as it is made, so its string is garbage at once.
 *
 * The first gzip request gets the document as it is made: each piece goes to zlib, which
 * compresses it on its own thread while the next one is rendered, and what zlib gives is sent at
 * once, so the client decompresses and parses the start while the host renders the end. Made one
 * after the other (render, then gzip, then send), a cold 10,000-entry feed waited for all three
 * in turn. Later requests get the finished bytes with their length.
 */
export class RenderedDocument {
  private readonly pieces: Buffer[] = []
  private rendering: Promise<void> | null = null
  private plain: Bytes | null = null
  private gzipped: Promise<Bytes> | null = null
  /** A rendering that failed half way is never completed into a document that would look whole. */
  private failed: Error | null = null

  constructor(
    readonly etag: string,
    private readonly source: Iterator<string>
  ) {}

  /** The plain bytes, whatever is left rendered at once. */
  async plainBytes(): Promise<Bytes> {
    if (this.rendering) await this.rendering
    if (this.failed) throw this.failed
    for (let piece = this.source.next(); !piece.done; piece = this.source.next()) this.pieces.push(Buffer.from(piece.value))
    this.plain ??= bytesOf(Buffer.concat(this.pieces))
    return this.plain
  }

  /** The gzipped bytes once made, and for the first to ask (null after), a stream of them as they are made. */
  gzip(): { bytes: Promise<Bytes>; stream: ReadableStream<Uint8Array> | null } {
    if (this.gzipped) return { bytes: this.gzipped, stream: null }
    const zip = createGzip()
    const out: Buffer[] = []
    let controller!: ReadableStreamDefaultController<Uint8Array>
    // A client that hangs up stops the stream, not the rendering: the bytes are kept for the next one.
    let open = true
    const stream = new ReadableStream<Uint8Array>({
      start: (c) => void (controller = c),
      cancel: () => void (open = false)
    })
    zip.on('data', (chunk: Buffer) => {
      out.push(chunk)
      if (open) controller.enqueue(chunk)
    })
    this.gzipped = new Promise((resolve, reject) => {
      zip.on('end', () => {
        if (open) controller.close()
        resolve(bytesOf(Buffer.concat(out)))
      })
      zip.on('error', (error) => {
        if (open) controller.error(error)
        reject(error)
      })
    })
    this.rendering = this.renderInto(zip)
    return { bytes: this.gzipped, stream }
  }

  /** What is rendered already, then the rest, one piece per turn of the event loop (zlib works meanwhile). */
  private async renderInto(zip: Gzip): Promise<void> {
    try {
      for (const piece of this.pieces) zip.write(piece)
      for (let piece = this.source.next(); !piece.done; piece = this.source.next()) {
        const bytes = Buffer.from(piece.value)
        this.pieces.push(bytes)
        zip.write(bytes)
        await nextTurn()
      }
      zip.end()
    } catch (error) {
      this.failed = error as Error
      zip.destroy(this.failed)
    }
  }
}

function bytesOf(buffer: Buffer): Bytes {
  return new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength)
}
