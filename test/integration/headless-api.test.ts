import { strict as assert } from 'node:assert'
import { request } from 'node:http'
import { after, before, describe, it } from 'node:test'
import WebSocket from 'ws'
import type { JournalStatus } from '#shared/dto'
import { HELLO_MP3 } from '../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'

/** A raw request, so the Host header can be forged (fetch does not allow it). */
function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { method: 'GET', headers }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
      .on('error', reject)
      .end()
  })
}

interface EventSocket {
  socket: WebSocket
  /** The next message, including any that arrived before it was asked for. */
  next(): Promise<{ event: string; payload: JournalStatus }>
}

/** Messages are queued from the moment the socket exists: the greeting can arrive with 'open'. */
function openSocket(url: string, headers: Record<string, string> = {}): Promise<EventSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    const queued: string[] = []
    const waiting: Array<(text: string) => void> = []
    socket.on('message', (data) => {
      const text = String(data)
      const waiter = waiting.shift()
      if (waiter) waiter(text)
      else queued.push(text)
    })
    const next = (): Promise<{ event: string; payload: JournalStatus }> =>
      new Promise<string>((done) => {
        const text = queued.shift()
        if (text !== undefined) done(text)
        else waiting.push(done)
      }).then((text) => JSON.parse(text))
    socket.once('open', () => resolve({ socket, next }))
    socket.once('error', reject)
  })
}

describe('headless host', () => {
  let app: HeadlessApp
  let data: Awaited<ReturnType<typeof makeTempDir>>
  let network: Awaited<ReturnType<typeof startTestnet>>
  // Every test process stays on loopback: a private DHT instead of the public bootstrap nodes.
  const start = (): Promise<HeadlessApp> => startHeadless(data.dir, ['--bootstrap', network.bootstrap])
  before(async () => {
    network = await startTestnet()
    data = await makeTempDir()
    app = await start()
  })
  after(async () => {
    await app?.stop()
    await network?.testnet.destroy()
    await data?.cleanup()
  })

  it('prints key, link, webhookUrl and a loopback uiUrl carrying its token', () => {
    assert.match(app.info.key, /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/)
    // A new data directory's journal is private: its link carries the read key.
    assert.match(app.info.link, new RegExp(`^hyper://${app.info.key}/#encryptionKey=[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$`))
    assert.match(app.info.uiUrl, /^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/)
    assert.match(app.info.webhookUrl, /^http:\/\/127\.0\.0\.1:\d+\/webhooks$/)
  })

  it('refuses API calls without the token or with a wrong one', async () => {
    const missing = await fetch(`${app.origin}/api/getStatus`, { method: 'POST' })
    assert.equal(missing.status, 401)
    assert.deepEqual(await missing.json(), { error: { code: 'bad-request', message: 'Missing or wrong access token' } })
    const wrong = await fetch(`${app.origin}/api/getStatus`, { method: 'POST', headers: { Authorization: `Bearer ${'x'.repeat(43)}` } })
    assert.equal(wrong.status, 401)
    const audio = await fetch(`${app.origin}/audio/recordings/2026/01/a.mp3`)
    assert.equal(audio.status, 401)
  })

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    assert.equal(await rawGet(`${app.origin}/api/getStatus`, { Host: 'attacker.example:80' }), 421)
    // The same request under the loopback name passes the host check and meets the token check.
    assert.equal(await rawGet(`${app.origin}/api/getStatus`, { Host: `localhost:${new URL(app.origin).port}` }), 401)
  })

  it('refuses event sockets without the token or from another origin', async () => {
    const ws = app.origin.replace('http', 'ws')
    await assert.rejects(openSocket(`${ws}/events`), /401/)
    await assert.rejects(openSocket(`${ws}/events?token=${app.token}`, { Origin: 'http://evil.example' }), /401/)
    const { socket } = await openSocket(`${ws}/events?token=${app.token}`, { Origin: app.origin })
    socket.close()
  })

  it('answers bad calls with clear errors and changes nothing', async () => {
    const post = (path: string, body: string | Blob, type = 'application/json'): Promise<Response> =>
      fetch(`${app.origin}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': type }, body })
    const before = await app.call<JournalStatus>('getStatus')
    const unknown = await post('/api/dropDatabase', '{}')
    assert.equal(unknown.status, 404)
    const malformed = await post('/api/getHistory', '{not json')
    assert.equal(malformed.status, 400)
    assert.match(((await malformed.json()) as { error: { message: string } }).error.message, /JSON/)
    const badArgs = await post('/api/deleteEntry', JSON.stringify({ path: '/recordings/../../etc/passwd' }))
    assert.equal(badArgs.status, 404)
    const huge = await post('/api/getHistory', JSON.stringify({ pad: 'x'.repeat(100_000) }))
    assert.equal(huge.status, 413)
    // Journals are named by key; one that is not in the library, or not a key at all, is refused.
    const stranger = await post('/api/listEntries', JSON.stringify({ journal: 'i46rd8dei13gtxg5pexc4s56xbrk6az6zzkdx5b9te7zmwsbiobo' }))
    assert.equal(stranger.status, 404)
    assert.equal((await post('/api/getStatus', JSON.stringify({ journal: '../../etc' }))).status, 404)
    assert.equal((await post('/api/getStatus', JSON.stringify({ journal: 42 }))).status, 400)
    const noEntries = await post('/api/listEntries', JSON.stringify({ first: 0 }))
    assert.equal(noEntries.status, 400)
    assert.match(((await noEntries.json()) as { error: { message: string } }).error.message, /first must be at least 1/)
    assert.equal((await post('/api/setSeeding', JSON.stringify({ journal: app.info.key, state: 'always' }))).status, 400)
    assert.equal((await post('/api/setSeeding', JSON.stringify({ journal: app.info.key, state: 'seeding' }))).status, 400, 'own journals are always served')
    assert.equal((await post('/api/removeFromLibrary', JSON.stringify({ journal: app.info.key, confirmWritable: true }))).status, 400, 'not the active journal')
    assert.equal((await post('/api/addToLibrary', JSON.stringify({ link: 'hyper://example.com/' }))).status, 400)
    const strangerAudio = await fetch(`${app.origin}/audio/i46rd8dei13gtxg5pexc4s56xbrk6az6zzkdx5b9te7zmwsbiobo/recordings/2026/01/a.mp3?token=${app.token}`)
    assert.equal(strangerAudio.status, 404)
    assert.equal((await app.call<unknown[]>('listLibrary')).length, 1, 'the library is unchanged')

    const { importId } = await app.call<{ importId: string }>('beginImport', { fileName: 'notes.mp3', size: 26 })
    assert.equal((await post(`/api/appendImport?importId=${importId}`, new Blob(['definitely not an mp3 file']), 'application/octet-stream')).status, 200)
    const notAudio = await post('/api/finishImport', JSON.stringify({ importId }))
    assert.equal(notAudio.status, 415)
    const { error } = (await notAudio.json()) as { error: { code: string; message: string } }
    assert.equal(error.code, 'not-audio')
    assert.match(error.message, /Not an audio file/)
    const oversized = await post(`/api/appendImport?importId=${importId}`, new Blob([new Uint8Array(1024 * 1024 + 1)]), 'application/octet-stream')
    assert.equal(oversized.status, 413)
    assert.deepEqual(await app.call<JournalStatus>('getStatus'), before)
  })

  it('pushes a status event when an entry is added, and serves its audio by range', async () => {
    // An app of its own: the first status a socket gets is that of an empty journal.
    const own = await makeTempDir()
    const fresh = await startHeadless(own.dir, ['--bootstrap', network.bootstrap])
    try {
      const { socket, next } = await openSocket(`${fresh.origin.replace('http', 'ws')}/events?token=${fresh.token}`)
      const greeting = await next()
      assert.deepEqual([greeting.event, greeting.payload.entries], ['status', 0], 'a new socket gets the current status')
      const entry = await fresh.importFile(HELLO_MP3)
      const message = await next()
      socket.close()
      assert.equal(message.event, 'status')
      assert.equal(message.payload.entries, 1)
      assert.equal(message.payload.version, 2)
      const audio = await fetch(`${fresh.origin}/audio/${fresh.info.key}${entry.path}?token=${fresh.token}`, { headers: { Range: 'bytes=0-3' } })
      assert.equal(audio.status, 206)
      assert.equal(audio.headers.get('content-range'), `bytes 0-3/${entry.size}`)
    } finally {
      await fresh.stop()
      await own.cleanup()
    }
  })

  it('shuts down cleanly on SIGTERM and reopens the same journal', async () => {
    const key = app.info.key
    await app.importFile(HELLO_MP3)
    const entries = (await app.call<JournalStatus>('getStatus')).entries
    assert.equal(await app.stop(), 0)
    assert.doesNotMatch(app.stderr(), /Error|unhandled/i)
    app = await start()
    assert.equal(app.info.key, key)
    assert.equal((await app.call<JournalStatus>('getStatus')).entries, entries)
  })
})
