import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { RenderedDocument } from '../../src/main/publish/rendered-document'

const PIECES = ['<rss>\n', ...Array.from({ length: 40 }, (_, i) => `<item>${i} é ${'x'.repeat(i * 100)}</item>\n`), '</rss>\n']
const WHOLE = PIECES.join('')

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

// The host sends the first gzip request of a rendering as it is made, and keeps the bytes for the next.
describe('a rendered page or feed, plain and gzipped', () => {
  it('the first gzip request streams the document as made; later ones get the same bytes whole, and plain is the same document', async () => {
    const document = new RenderedDocument('"v1"', PIECES[Symbol.iterator]())
    const first = document.gzip()
    assert.ok(first.stream)
    const streamed = await readAll(first.stream)
    assert.equal(gunzipSync(streamed).toString(), WHOLE)
    const later = document.gzip()
    assert.equal(later.stream, null)
    assert.ok(Buffer.from(await later.bytes).equals(streamed))
    assert.equal(Buffer.from(await document.plainBytes()).toString(), WHOLE)
  })

  it('plain first, then gzip: both whole, from one rendering', async () => {
    let rendered = 0
    const counted = (function* () {
      for (const piece of PIECES) {
        rendered++
        yield piece
      }
    })()
    const document = new RenderedDocument('"v1"', counted)
    assert.equal(Buffer.from(await document.plainBytes()).toString(), WHOLE)
    assert.equal(gunzipSync(await readAll(document.gzip().stream!)).toString(), WHOLE)
    assert.equal(Buffer.from(await document.plainBytes()).toString(), WHOLE)
    assert.equal(rendered, PIECES.length)
  })

  it('a plain request during a streamed gzip waits for the rendering and gets the whole document', async () => {
    const document = new RenderedDocument('"v1"', PIECES[Symbol.iterator]())
    const { stream } = document.gzip()
    const [plain, streamed] = await Promise.all([document.plainBytes(), readAll(stream!)])
    assert.equal(Buffer.from(plain).toString(), WHOLE)
    assert.equal(gunzipSync(streamed).toString(), WHOLE)
  })

  it('a client that hangs up does not stop the rendering: the next one gets it whole', async () => {
    const document = new RenderedDocument('"v1"', PIECES[Symbol.iterator]())
    await document.gzip().stream!.cancel()
    assert.equal(gunzipSync(await document.gzip().bytes).toString(), WHOLE)
  })

  it('a rendering that fails half way is never served as a whole document', async () => {
    const failing = (function* () {
      yield '<rss>'
      throw new Error('the journal went away')
    })()
    const document = new RenderedDocument('"v1"', failing)
    await assert.rejects(document.gzip().bytes, /went away/)
    await assert.rejects(document.plainBytes(), /went away/)
  })
})
