/**
 * `npm run bench:host`: what publishing costs the host (issue 11, item 3).
 *   1. the podcast feed of a 10,000-entry journal: rendered from its list in process; through a host
 *      just started, the first request (the page: it reads the journal's index from disk too), then
 *      the feed's first (cold: the list in memory, nothing rendered), a request whose copy is
 *      current (304), and one served from the rendered cache;
 *   2. audio throughput through the host's public listener, against reading the same bytes from disk.
 * Targets: feed cold < 300 ms, 304 < 5 ms. Prints medians of several runs, and the machine's load.
 */
import { createReadStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { randomBytes } from 'node:crypto'
import { JournalStore } from '../src/main/journal/journal-store'
import { renderFeed } from '../src/main/publish/feed'
import { HELLO_MP3 } from '../test/helpers/fixtures'
import { startHeadless } from '../test/helpers/headless-process'
import { makeTempDir } from '../test/helpers/temp-dir'
import { startTestnet } from '../test/helpers/testnet'
import { machineLoad, median, verdict } from './stats'

const ENTRIES = 10_000
const RUNS = 5
const REQUESTS_304 = 50
const AUDIO_BYTES = 64 * 2 ** 20
const AUDIO_PATH = '/recordings/2026/01/bench-large.wav'

const ms = (value: number): string => `${value.toFixed(1)} ms`
const mbps = (bytes: number, milliseconds: number): number => bytes / 2 ** 20 / (milliseconds / 1000)

async function main(): Promise<void> {
  const { dir, cleanup } = await makeTempDir('voice-journal-bench-host-')
  const network = await startTestnet()
  try {
    // A 10,000-entry journal as bench/journal.ts builds one: one real import, then the same
    // audio bytes put directly with the same metadata (the import path is measured there).
    const store = await JournalStore.open(dir)
    const journal = await store.openOwn()
    const template = await journal.addAudioFile(HELLO_MP3, { source: 'import' })
    const bytes = await readFile(HELLO_MP3)
    for (let i = 1; i < ENTRIES; i++) {
      const mtime = Date.UTC(2020, 0, 1) + i * 60_000
      const date = new Date(mtime)
      const path = `/recordings/${date.getUTCFullYear()}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/bench-${i}.mp3`
      await journal.drive.put(path, bytes, { metadata: { mtime, durationMs: template.durationMs, format: 'mp3', source: 'record' } })
    }
    const audio = randomBytes(AUDIO_BYTES)
    await journal.drive.put(AUDIO_PATH, audio, { metadata: { mtime: Date.UTC(2019, 0, 1), durationMs: 1000, format: 'wav', source: 'import' } })
    const key = journal.id
    const entries = await journal.listEntries()
    await store.close()

    // 1a. Rendering alone, from a listed journal.
    const renders: number[] = []
    let feedBytes = 0
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now()
      const xml = renderFeed({ title: 'Bench', pageUrl: 'http://127.0.0.1/p/x/', feedUrl: 'http://127.0.0.1/p/x/feed.xml', publicationId: 'x', entries, private: false })
      renders.push(performance.now() - started)
      feedBytes = Buffer.byteLength(xml)
    }
    console.log(`render the feed of ${entries.length} entries (${(feedBytes / 2 ** 20).toFixed(1)} MB of XML): median ${ms(median(renders))}`)

    // 1b. Through the host: the first request after it starts, then revalidation and the cache.
    const firsts: number[] = []
    const afterStart: number[] = []
    let encoding = ''
    const notModified: number[] = []
    const cached: number[] = []
    let throughput: { web: number[]; disk: number[] } = { web: [], disk: [] }
    for (let run = 0; run < RUNS; run++) {
      const host = await startHeadless(dir, ['--bootstrap', network.bootstrap, '--publish', key])
      try {
        const { feed, page } = (host.info as unknown as { published: Array<{ feed: string; page: string }> }).published[0]!
        let started = performance.now()
        await (await fetch(page)).arrayBuffer()
        afterStart.push(performance.now() - started)
        started = performance.now()
        const response = await fetch(feed)
        const text = await response.text()
        firsts.push(performance.now() - started)
        if ((text.match(/<item>/g) ?? []).length !== entries.length) throw new Error('the feed does not list every entry')
        const etag = response.headers.get('etag')!
        encoding = response.headers.get('content-encoding') ?? 'identity'
        for (let i = 0; i < REQUESTS_304; i++) {
          started = performance.now()
          const revalidated = await fetch(feed, { headers: { 'If-None-Match': etag } })
          await revalidated.arrayBuffer()
          notModified.push(performance.now() - started)
          if (revalidated.status !== 304) throw new Error(`expected 304, got ${revalidated.status}`)
        }
        started = performance.now()
        await (await fetch(feed)).arrayBuffer()
        cached.push(performance.now() - started)
        if (run === 0) throughput = await measureThroughput(`${page}audio/${AUDIO_PATH.slice('/recordings/'.length)}`, audio, dir)
      } finally {
        await host.stop()
      }
    }
    console.log(
      `through the host: first request after start (the page; reads the index from disk) median ${ms(median(afterStart))} (${afterStart.map((v) => v.toFixed(0)).join(', ')} ms)\n` +
        `feed of ${entries.length} entries through the host: cold (list in memory, not rendered yet) median ${ms(median(firsts))} ` +
        `(${firsts.map((v) => v.toFixed(0)).join(', ')} ms; target < 300 ms: ${verdict(median(firsts) < 300)}); ` +
        `304 median ${ms(median(notModified))} over ${REQUESTS_304 * RUNS} requests (target < 5 ms: ${verdict(median(notModified) < 5)}); ` +
        `unchanged, from the cache, median ${ms(median(cached))} (sent ${encoding}, as to podcast apps; ${machineLoad()})`
    )
    const web = median(throughput.web)
    const disk = median(throughput.disk)
    console.log(
      `audio of ${AUDIO_BYTES / 2 ** 20} MB: through the public listener median ${web.toFixed(0)} MB/s, from disk median ${disk.toFixed(0)} MB/s ` +
        `(${((web / disk) * 100).toFixed(0)} % of disk; runs ${throughput.web.map((v) => v.toFixed(0)).join(', ')} vs ${throughput.disk.map((v) => v.toFixed(0)).join(', ')} MB/s; ${machineLoad()})`
    )
  } finally {
    await network.testnet.destroy()
    await cleanup()
  }
}

/** The same bytes over HTTP from the host's listener and from a file read with a stream: MB/s per run. */
async function measureThroughput(url: string, expected: Buffer, dir: string): Promise<{ web: number[]; disk: number[] }> {
  const file = join(dir, 'bench-large.wav')
  await writeFile(file, expected)
  const web: number[] = []
  const disk: number[] = []
  for (let run = 0; run < RUNS; run++) {
    let started = performance.now()
    const response = await fetch(url)
    let received = 0
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength
    web.push(mbps(received, performance.now() - started))
    if (received !== expected.length) throw new Error(`received ${received} of ${expected.length} bytes`)
    started = performance.now()
    let read = 0
    for await (const chunk of createReadStream(file)) read += (chunk as Buffer).byteLength
    disk.push(mbps(read, performance.now() - started))
  }
  return { web, disk }
}

await main()
