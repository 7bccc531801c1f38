import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { after, before, describe, it } from 'node:test'
import { parseFeed } from '@rowanmanning/feed-parser'
import { decode as decodeKey } from 'hypercore-id-encoding'
import type { Browser } from 'playwright'
import type { EntryDto } from '#shared/dto'
import { parseJournalLink } from '#shared/journal-key'
import { BOTH_SCHEMES, expectAccessible } from '../helpers/axe'
import { launchChromium, recordPageErrors } from '../helpers/browser'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'
import { openAppWindow } from './pages/window-session'

const PEER_WAIT_MS = 60_000

interface Published {
  key: string
  page: string
  feed: string
}

const publishedOf = (app: HeadlessApp): Published[] => (app.info as unknown as { published: Published[] }).published

/** Every way a journal's key or read key could be spelled in a URL or a document. */
function keySpellings(link: string): string[] {
  const parsed = parseJournalLink(link)!
  const keys = [parsed.key, ...(parsed.encryptionKey ? [parsed.encryptionKey] : [])]
  return keys.flatMap((key) => [key, decodeKey(key).toString('hex'), decodeKey(key).toString('base64url')])
}

/** A GET or HEAD without fetch's own Accept-Encoding and decompression: the bytes as sent. */
function rawGet(url: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** A request exactly as written, path included: fetch would resolve `..` before sending. */
function rawRequest(url: string, path: string, method = 'GET'): Promise<number> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method }, (res) => {
      res.resume()
      resolve(res.statusCode!)
    })
    req.on('error', reject)
    req.end()
  })
}

// Separate processes on a loopback testnet, as users run them. H is a host whose own (private)
// journal has two entries and is published with `npm run serve -- --publish <its key>`; the
// web page is opened in Chromium and the feed read with a podcast-grade parser.
describe('a host publishes a journal to the web and to podcast apps', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let browser: Browser
  let host: HeadlessApp
  let published: Published
  let entries: EntryDto[]
  const audio = new Map<string, Buffer>()
  const cleanups: Array<() => Promise<void>> = []

  async function startPeer(args: string[], dataDir?: string): Promise<HeadlessApp> {
    const dir = dataDir ? null : await makeTempDir()
    const app = await startHeadless(dataDir ?? dir!.dir, ['--bootstrap', network.bootstrap, ...args])
    cleanups.push(async () => {
      await app.stop()
      await dir?.cleanup()
    })
    return app
  }

  /** A host whose own journal holds `files`, published by its key (the first run makes the journal, the second publishes it). */
  async function startPublishingHost(files: string[]): Promise<{ app: HeadlessApp; written: EntryDto[] }> {
    const dir = await makeTempDir()
    cleanups.push(dir.cleanup)
    const first = await startHeadless(dir.dir, ['--bootstrap', network.bootstrap])
    const written: EntryDto[] = []
    for (const file of files) written.push(await first.importFile(file))
    await first.stop()
    return { app: await startPeer(['--publish', first.info.key], dir.dir), written }
  }

  before(async () => {
    network = await startTestnet()
    browser = await launchChromium()
    const files = [HELLO_MP3, HELLO_WAV]
    const started = await startPublishingHost(files)
    host = started.app
    for (const [i, entry] of started.written.entries()) audio.set(entry.path, await readFile(files[i]!))
    assert.equal(host.info.private, true)
    assert.equal(publishedOf(host).length, 1)
    published = publishedOf(host)[0]!
    entries = await host.call<EntryDto[]>('listEntries')
  })
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
    await browser?.close()
    await network?.testnet.destroy()
  })

  it('prints where it publishes, absolute addresses on its public listener, and the window shows the feed address', async () => {
    const base = new URL(host.info.localWebhookUrl).origin
    assert.equal(published.key, host.info.key)
    assert.match(published.page, new RegExp(`^${base}/p/[A-Za-z0-9_-]{22}/$`))
    assert.equal(published.feed, `${published.page}feed.xml`)
    const info = await host.call<{ published?: { feed: string } }>('getJournal')
    assert.equal(info.published?.feed, published.feed)
    const window = await openAppWindow(browser, host)
    try {
      await window.page.getByTestId('published-feed-url').waitFor()
      assert.equal(await window.page.getByTestId('published-feed-url').textContent(), published.feed)
      assert.equal(await window.page.getByRole('button', { name: 'Copy the podcast feed address' }).count(), 1)
      assert.deepEqual(window.errors, [])
    } finally {
      await window.close()
    }
  })

  it('the feed parses and matches the journal: one item per entry, newest first, each enclosure the right length and type', async () => {
    const response = await fetch(published.feed)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^application\/rss\+xml/)
    const feed = parseFeed(await response.text())
    assert.equal(feed.items.length, entries.length)
    for (const [i, item] of feed.items.entries()) {
      const entry = entries[i]!
      const enclosure = item.media[0]!
      assert.equal(enclosure.length, audio.get(entry.path)!.length)
      assert.equal(enclosure.mimeType, entry.format === 'wav' ? 'audio/wav' : 'audio/mpeg')
      // The enclosure is what a podcast app downloads: the same bytes as the file imported.
      const body = Buffer.from(await (await fetch(enclosure.url)).arrayBuffer())
      assert.ok(body.equals(audio.get(entry.path)!), `${entry.path}: the enclosure's bytes`)
    }
    const dates = feed.items.map((item) => item.published!.getTime())
    assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'newest first')
  })

  it('page and feed carry the journal version as ETag: If-None-Match gets 304, HEAD the headers alone; gzip for clients that take it', async () => {
    for (const url of [published.page, published.feed]) {
      const plain = await rawGet(url, {})
      assert.equal(plain.headers['content-encoding'], undefined)
      assert.equal(plain.headers['content-length'], String(plain.body.length))
      const etag = plain.headers.etag as string
      assert.match(etag, /^"v\d+-/)
      const again = await rawGet(url, { 'If-None-Match': etag })
      assert.equal(again.status, 304)
      assert.equal(again.body.length, 0)
      const head = await rawGet(url, {}, 'HEAD')
      assert.equal(head.status, 200)
      assert.equal(head.headers.etag, etag)
      assert.equal(head.headers['content-length'], String(plain.body.length))
      const compressed = await rawGet(url, { 'Accept-Encoding': 'gzip' })
      assert.equal(compressed.headers['content-encoding'], 'gzip')
      assert.ok(gunzipSync(compressed.body).equals(plain.body), 'the same document, gzipped')
      assert.equal((await rawGet(url, { 'Accept-Encoding': 'gzip', 'If-None-Match': compressed.headers.etag as string })).status, 304)
      assert.equal((await rawGet(url, { 'Accept-Encoding': 'gzip;q=0' })).headers['content-encoding'], undefined)
    }
  })

  it("a podcast app's range request gets 206 and exactly the bytes asked for", async () => {
    const entry = entries[0]!
    const bytes = audio.get(entry.path)!
    const url = parseFeed(await (await fetch(published.feed)).text()).items[0]!.media[0]!.url
    // How players start: the first two bytes, to learn the length; then a seek near the end.
    const probe = await fetch(url, { headers: { Range: 'bytes=0-1', 'User-Agent': 'AppleCoreMedia/1.0.0' } })
    assert.equal(probe.status, 206)
    assert.equal(probe.headers.get('content-range'), `bytes 0-1/${bytes.length}`)
    assert.ok(Buffer.from(await probe.arrayBuffer()).equals(bytes.subarray(0, 2)))
    const seek = await fetch(url, { headers: { Range: `bytes=${bytes.length - 1000}-` } })
    assert.equal(seek.status, 206)
    assert.ok(Buffer.from(await seek.arrayBuffer()).equals(bytes.subarray(bytes.length - 1000)))
    const past = await fetch(url, { headers: { Range: `bytes=${bytes.length}-` } })
    assert.equal(past.status, 416)
  })

  it('the web page lists the entries and plays one in Chromium, with no script and no console error, accessibly', async () => {
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      const errors = recordPageErrors(page)
      const response = await page.goto(published.page)
      assert.match(response!.headers()['content-security-policy'] ?? '', /default-src 'none'/)
      const items = page.getByRole('listitem')
      assert.equal(await items.count(), entries.length)
      assert.equal(await page.locator('script').count(), 0)
      const player = page.locator('audio').first()
      assert.equal(await player.getAttribute('preload'), 'none')
      await player.evaluate((element: HTMLAudioElement) => element.play())
      await waitFor(async () => (await player.evaluate((element: HTMLAudioElement) => element.currentTime)) > 0.2, 'the first entry plays')
      assert.equal(await player.evaluate((element: HTMLAudioElement) => element.error), null)
      await player.evaluate((element: HTMLAudioElement) => element.pause())
      await expectAccessible(page, 'the published page', BOTH_SCHEMES)
      assert.deepEqual(errors, [])
    } finally {
      await context.close()
    }
  })

  it('nothing else is reachable: unpublished keys and ids, ../ paths raw or percent-encoded, and methods other than GET and HEAD', async () => {
    const origin = new URL(published.page).origin
    const path = new URL(published.page).pathname
    const entryFile = entries[0]!.path.slice('/recordings/'.length)
    for (const hostile of [
      `/p/${host.info.key}/`,
      `/p/${host.info.key}/feed.xml`,
      `/p/${Buffer.from(decodeKey(host.info.key)).toString('hex')}/feed.xml`,
      '/p/AAAAAAAAAAAAAAAAAAAAAA/feed.xml',
      '/p/',
      `${path}../../healthz`,
      `${path}audio/../feed.xml`,
      `${path}audio/../../../../etc/passwd`,
      `${path}audio/..%2f..%2f..%2fetc%2fpasswd`,
      `${path}audio/%2e%2e/%2e%2e/feed.xml`,
      `${path}audio/%2E%2E/feed.xml`,
      `${path}./feed.xml`,
      `${path}audio/${entryFile.replace(/\//g, '%2f')}`,
      `/p/%2e%2e/healthz`,
      `${path}audio/2026/01/nothing-here.mp3`,
      `${path}index.html`,
      `${path}feed.xml/`
    ]) {
      assert.equal(await rawRequest(origin, hostile), 404, hostile)
    }
    // Backslashes, which URL parsing would take for slashes: Node's parser refuses the request line.
    assert.ok([400, 404].includes(await rawRequest(origin, `${path}audio/..\\..\\feed.xml`)), 'backslashed ../')
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const url of [published.page, published.feed, `${published.page}audio/${entryFile}`]) {
        const response = await fetch(url, { method })
        assert.equal(response.status, 405, `${method} ${url}`)
        assert.equal(response.headers.get('allow'), 'GET, HEAD')
      }
    }
  })

  it('a deleted entry is gone from the page, the feed and the audio, older versions included', async () => {
    const { app, written } = await startPublishingHost([HELLO_MP3, HELLO_WAV])
    const [publication] = publishedOf(app)
    const deleted = written[0]!
    const version = (await app.call<{ version: number }>('getStatus')).version
    await app.call('deleteEntry', { path: deleted.path })
    const url = `${publication!.page}audio/${deleted.path.slice('/recordings/'.length)}`
    assert.equal((await fetch(url)).status, 404)
    // The window's own route still opens the version that had it; the public one never does.
    assert.equal((await app.audio(deleted.path, version)).length, deleted.size)
    assert.equal((await fetch(`${url}?version=${version}`)).status, 404)
    const feed = parseFeed(await (await fetch(publication!.feed)).text())
    assert.deepEqual(feed.items.map((item) => item.media[0]!.url), [`${publication!.page}audio/${written[1]!.path.slice('/recordings/'.length)}`])
    assert.equal((await (await fetch(publication!.page)).text()).includes(deleted.path.slice('/recordings/'.length)), false)
  })

  it('200 range requests at once are all answered with the right bytes', async () => {
    const files = entries.map((entry) => ({ url: `${published.page}audio/${entry.path.slice('/recordings/'.length)}`, bytes: audio.get(entry.path)! }))
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const { url, bytes } = files[i % files.length]!
        const start = (i * 7919) % (bytes.length - 1)
        const end = Math.min(bytes.length - 1, start + 1 + ((i * 104729) % 20_000))
        const response = await fetch(url, { headers: { Range: `bytes=${start}-${end}` } })
        const body = Buffer.from(await response.arrayBuffer())
        return response.status === 206 && body.equals(bytes.subarray(start, end + 1))
      })
    )
    assert.equal(results.filter(Boolean).length, 200)
  })

  it("a private journal published from its link lives under an address with neither of its keys; by its key alone it is not published", async () => {
    const byLink = await startPeer(['--publish', host.info.link])
    const [publication] = publishedOf(byLink)
    assert.ok(publication)
    await waitFor(async () => parseFeed(await (await fetch(publication.feed)).text()).items.length === entries.length, 'the other host has the entries', PEER_WAIT_MS)
    const page = await (await fetch(publication.page)).text()
    const feed = await (await fetch(publication.feed)).text()
    const line = JSON.stringify({ page: publication.page, feed: publication.feed })
    for (const spelling of keySpellings(host.info.link)) {
      for (const [what, text] of Object.entries({ 'printed URLs': line, page, feed })) assert.equal(text.includes(spelling), false, `${what} must not contain ${spelling}`)
    }
    assert.notEqual(new URL(publication.page).pathname, new URL(published.page).pathname, 'each host its own random id')
    // Every enclosure plays from this host.
    const item = parseFeed(feed).items[0]!.media[0]!
    assert.equal((await fetch(item.url, { headers: { Range: 'bytes=0-99' } })).status, 206)

    const byKey = await startPeer(['--publish', host.info.key])
    await waitFor(async () => (await byKey.call<Array<{ key: string; kind: string }>>('listLibrary')).some((i) => i.key === host.info.key && i.kind === 'hosted'), 'the host learns the journal is private', PEER_WAIT_MS)
    const printed = publishedOf(byKey)
    for (const { page: url } of printed) assert.equal((await fetch(url)).status, 404, 'held without its read key: nothing is served')
    assert.deepEqual(await byKey.call<{ published?: unknown }>('getJournal', { journal: host.info.key }).then((info) => info.published), undefined)
  })

  it('a burst of requests from one address is answered 429 with Retry-After, and the webhooks are not limited', async () => {
    // A host of its own: the burst must not spend the other tests' allowance.
    const burstHost = await startPeer(['--publish', host.info.link])
    const [publication] = publishedOf(burstHost)
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let round = 0; round < 8 && !statuses.includes(429); round++) {
      const responses = await Promise.all(Array.from({ length: 100 }, () => fetch(publication!.feed, { method: 'HEAD' })))
      for (const response of responses) {
        statuses.push(response.status)
        if (response.status === 429) retryAfter = response.headers.get('retry-after')
      }
    }
    assert.ok(statuses.includes(429), `429 after ${statuses.length} requests`)
    assert.ok(statuses.slice(0, 100).every((status) => status === 200), 'the first hundred are served')
    assert.match(retryAfter ?? '', /^\d+$/)
    const webhook = await fetch(`${burstHost.info.localWebhookUrl.replace(/\/webhooks$/, '')}/healthz`)
    assert.equal(webhook.status, 200, 'the webhook listener still answers')
  })
})
