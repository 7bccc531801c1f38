import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { respondWithAudio } from '../../src/main/http/audio-response'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { openTempJournal } from '../helpers/journal-fixture'

// Two entries back to back in one blob core: a range past the first one's end must not leak the
// second one's bytes, and a start past the data must answer 416 instead of hanging.
describe('range-aware audio responses', () => {
  let fixture: Awaited<ReturnType<typeof openTempJournal>>
  let mp3: Buffer
  let path: string
  const get = (range?: string, url = `http://x/audio${path}`): Promise<Response> =>
    respondWithAudio(new Request(url, range ? { headers: { Range: range } } : {}), fixture.journal, new URL(url).pathname.slice(6))

  before(async () => {
    fixture = await openTempJournal()
    mp3 = await readFile(HELLO_MP3)
    path = (await fixture.journal.addAudioFile(HELLO_MP3, { source: 'import' })).path
    await fixture.journal.addAudioFile(HELLO_WAV, { source: 'import' })
  })
  after(() => fixture.cleanup())

  it('serves the whole file with Accept-Ranges and an exact length', async () => {
    const response = await get()
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('accept-ranges'), 'bytes')
    assert.equal(response.headers.get('content-type'), 'audio/mpeg')
    assert.equal(response.headers.get('content-length'), String(mp3.length))
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(mp3))
  })

  it('serves bytes=a-b as 206 with Content-Range', async () => {
    const response = await get('bytes=100-199')
    assert.equal(response.status, 206)
    assert.equal(response.headers.get('content-range'), `bytes 100-199/${mp3.length}`)
    assert.equal(response.headers.get('content-length'), '100')
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(mp3.subarray(100, 200)))
  })

  it('serves bytes=a- to the end', async () => {
    const response = await get(`bytes=${mp3.length - 10}-`)
    assert.equal(response.status, 206)
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(mp3.subarray(mp3.length - 10)))
  })

  it('serves bytes=-n as the last n bytes', async () => {
    const response = await get('bytes=-500')
    assert.equal(response.status, 206)
    assert.equal(response.headers.get('content-range'), `bytes ${mp3.length - 500}-${mp3.length - 1}/${mp3.length}`)
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(mp3.subarray(mp3.length - 500)))
  })

  it('clamps an end past the file instead of reading the next file', async () => {
    const response = await get(`bytes=${mp3.length - 4}-${mp3.length + 5000}`)
    assert.equal(response.status, 206)
    assert.equal(response.headers.get('content-range'), `bytes ${mp3.length - 4}-${mp3.length - 1}/${mp3.length}`)
    const body = Buffer.from(await response.arrayBuffer())
    assert.equal(body.length, 4)
    assert.ok(body.equals(mp3.subarray(mp3.length - 4)))
  })

  it('answers 416 with bytes */size for a start past the end', async () => {
    const response = await get(`bytes=${mp3.length}-`)
    assert.equal(response.status, 416)
    assert.equal(response.headers.get('content-range'), `bytes */${mp3.length}`)
  })

  it('refuses hostile paths and bad versions without touching the journal', async () => {
    assert.equal((await respondWithAudio(new Request('http://x/a'), fixture.journal, '/recordings/../../etc/passwd')).status, 404)
    assert.equal((await respondWithAudio(new Request('http://x/a'), fixture.journal, '/secret.mp3')).status, 404)
    assert.equal((await get(undefined, `http://x/audio${path}?version=abc`)).status, 400)
    assert.equal((await get(undefined, `http://x/audio${path}?version=999`)).status, 400)
    assert.equal((await respondWithAudio(new Request('http://x/a', { method: 'POST' }), fixture.journal, path)).status, 405)
  })

  it('serves an older version by query parameter', async () => {
    const response = await get('bytes=0-9', `http://x/audio${path}?version=2`)
    assert.equal(response.status, 206)
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(mp3.subarray(0, 10)))
  })
})
