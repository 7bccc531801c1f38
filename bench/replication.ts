/**
 * `npm run bench:replication -- [--entries 1000] [--size 1] [--rounds 3] [--first-byte 20]`
 *
 * A journal of `entries` × `size` MB of real MP3 audio, seeded by one process and fetched by
 * another over a loopback testnet, every peer its own OS process:
 *   - app:  the headless app (out/main/headless.js) seeds its journal; a fresh headless app adds
 *           the key to its library and turns seeding on; timed until its library says complete;
 *   - bare: plain Corestore + Hyperdrive + Hyperswarm processes (bench/replication-peer.ts) with
 *           the same files in the same 64 KiB blocks, fetched with core.download on both cores.
 * Rounds alternate app and bare, each with a fresh fetcher; prints MB/s (MB = 2^20 bytes), the
 * medians and the ratio. Then first audio byte: a fresh app that has downloaded nothing opens the
 * journal, and for entries not yet held GETs the window's audio route with `Range: bytes=0-`
 * (what <audio> sends) until the first byte of the body arrives.
 * Then the same bytes as a private journal: fetched with its link, and by a blind host given its
 * key alone (issue 10), in alternating rounds.
 * Targets (issue 4): the app at ≥ 0.9× the bare copy; first audio byte under 300 ms. Issue 10: the
 * private journal with its link at ≥ 0.9× the public one; a blind host at ≥ 0.9× a reading seeder.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process'
import { statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import type { EntryDto, LibraryItem } from '#shared/dto'
import { probeAudio } from '../src/main/journal/audio-probe'
import { JournalStore } from '../src/main/journal/journal-store'
import { JournalKeys } from '../src/main/library/journal-keys'
import { startHeadless, type HeadlessApp } from '../test/helpers/headless-process'
import { makeTempDir } from '../test/helpers/temp-dir'
import { startTestnet } from '../test/helpers/testnet'
import { WebSocket } from 'ws'
import { ProcessMeter } from './process-meter'
import { benchEntry, type FetchDone, type PeerJob, type SeedReady } from './replication-peer'
import { mb, median, percentile } from './stats'

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000' },
    size: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    'first-byte': { type: 'string', default: '20' }
  }
})
const ENTRIES = Number(values.entries)
const SIZE_MB = Number(values.size)
const ROUNDS = Number(values.rounds)
const FIRST_BYTE_ENTRIES = Math.min(Number(values['first-byte']), ENTRIES)
const MB = 2 ** 20
/** Hypercore's block encryption adds this much to every block (hypercore/lib/default-encryption.js, PADDING). */
const ENCRYPTION_PADDING_BYTES = 8
const POLL_MS = 25

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A real MP3 of about `sizeMb` MB: pink noise, 44.1 kHz stereo, 128 kbit/s CBR (16,000 bytes a second). */
function makeMp3(file: string, sizeMb: number): void {
  const duration = ((sizeMb * MB) / 16_000).toFixed(3)
  try {
    execFileSync('sh', ['-c', `sox -q -n -r 44100 -c 2 -b 16 -t wav - synth ${duration} pinknoise vol 0.3 | lame --quiet --cbr -b 128 - "$0"`, file], {
      stdio: ['ignore', 'ignore', 'pipe']
    })
  } catch (error) {
    throw new Error(`generating the test MP3 needs sox and lame on PATH: ${(error as Error).message}`)
  }
}

/**
 * Writes the bench journal (ENTRIES copies of `mp3`) into `dir`'s default journal through the
 * journal's real add path; a private one (`encryptionKey`) has its read key kept beside it as the
 * app keeps it, so the headless app opens it private. Returns its layout.
 */
async function writeSeederJournal(dir: string, mp3: string, encryptionKey: Buffer | null): Promise<{ dbLength: number; blobsLength: number; bytes: number }> {
  const store = await JournalStore.open(dir)
  try {
    const journal = await store.openOwn('default', encryptionKey)
    if (encryptionKey) await (await JournalKeys.load(dir)).set(journal.id, encryptionKey)
    for (let i = 0; i < ENTRIES; i++) {
      const { id, madeAt } = benchEntry(i)
      await journal.addAudioFile(mp3, { source: 'import', id, madeAt })
    }
    const blobs = journal.drive.blobs!.core
    return { dbLength: journal.drive.core.length, blobsLength: blobs.length, bytes: journal.drive.core.byteLength + blobs.byteLength }
  } finally {
    await store.close()
  }
}

/** A bench/replication-peer.ts process given its job; resolves with its first reply. */
async function startPeer<T>(job: PeerJob): Promise<{ child: ChildProcess; reply: T }> {
  const child = fork(new URL('./replication-peer.ts', import.meta.url), { execArgv: ['--import', 'tsx'] })
  const reply = nextReply<T>(child)
  child.send(job)
  return { child, reply: await reply }
}

/** The peer's next message: `ready` or `done`, or its error. */
function nextReply<T>(child: ChildProcess): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: { ready?: T; done?: T; error?: string }): void => {
      child.off('exit', onExit)
      if (message.error !== undefined) reject(new Error(`peer: ${message.error}`))
      else resolve((message.ready ?? message.done)!)
    }
    const onExit = (code: number | null): void => {
      child.off('message', onMessage)
      reject(new Error(`peer exited with ${code} before replying`))
    }
    child.once('message', onMessage)
    child.once('exit', onExit)
  })
}

/** A fresh directory inside the bench's own (removed with it, whatever happens). */
async function subDir(root: string, prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(root, prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

function stopPeer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

interface RoundResult {
  ms: number
  firstPeerMs: number
  bytes: number
  fetcher: { peakRssBytes: number; cpuPercent: number }
}

/**
 * A fresh headless app follows the seeder's journal and seeds it; timed until its library says
 * complete. Progress is read the way the window reads it, from the `library` events on the event
 * socket: polling the API many times a second would charge the app for the benchmark's own load.
 */
async function appRound(root: string, bootstrap: string, link: string, key: string, expectBytes: number): Promise<RoundResult> {
  const data = await subDir(root, 'app-fetch-')
  const app = await startHeadless(data.dir, ['--bootstrap', bootstrap])
  const meter = new ProcessMeter(app.process.pid!)
  const events = new WebSocket(`${app.origin.replace('http', 'ws')}/events?token=${app.token}`)
  try {
    await once(events, 'open')
    let firstPeerMs = NaN
    let started = 0
    const done = new Promise<{ ms: number; item: LibraryItem }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('app fetch not complete after 10 minutes')), 600_000)
      events.on('message', (data) => {
        const message = JSON.parse(String(data)) as { event: string; payload: LibraryItem[] }
        if (message.event !== 'library' || !started) return
        const item = message.payload.find((i) => i.key === key)
        const now = performance.now() - started
        if (item && item.peers > 0 && Number.isNaN(firstPeerMs)) firstPeerMs = now
        if (item?.seeding.complete) {
          clearTimeout(timer)
          resolve({ ms: now, item })
        }
      })
    })
    started = performance.now()
    await app.call('addToLibrary', { link })
    await app.call('setSeeding', { journal: key, state: 'seeding' })
    const { ms, item } = await done
    if (item.seeding.bytesTotal !== expectBytes) throw new Error(`app fetched ${item.seeding.bytesTotal} bytes, the seeder holds ${expectBytes}`)
    return { ms, firstPeerMs, bytes: item.seeding.bytesTotal, fetcher: meter.stop() }
  } finally {
    events.close()
    meter.stop()
    await app.stop()
    await data.cleanup()
  }
}

/** A fresh bare peer process fetches the bare seeder's drive in full. */
async function bareRound(root: string, bootstrap: string, key: string, expectBytes: number): Promise<RoundResult> {
  const data = await subDir(root, 'bare-fetch-')
  const { child } = await startPeer<{ ready: true }>({ role: 'fetch', dir: data.dir, bootstrap })
  const meter = new ProcessMeter(child.pid!)
  try {
    const reply = nextReply<FetchDone>(child)
    const started = performance.now()
    child.send({ fetch: key })
    const done = await reply
    const ms = performance.now() - started
    if (done.bytes !== expectBytes) throw new Error(`bare fetched ${done.bytes} bytes, the seeder holds ${expectBytes}`)
    return { ms, firstPeerMs: done.firstPeerMs, bytes: done.bytes, fetcher: meter.stop() }
  } finally {
    meter.stop()
    await stopPeer(child)
    await data.cleanup()
  }
}

/** Sends what <audio> sends and resolves at the first byte of the body. */
function firstAudioByte(app: HeadlessApp, journal: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = request(`${app.origin}/audio/${journal}${path}?token=${app.token}`, { headers: { Range: 'bytes=0-' } }, (response) => {
      if (response.statusCode !== 206) {
        response.resume()
        return reject(new Error(`audio ${path}: ${response.statusCode}`))
      }
      response.once('data', () => {
        const ms = performance.now() - started
        req.destroy() // the player would go on; the next entry must not share its bandwidth
        resolve(ms)
      })
    })
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)))
    req.end()
  })
}

async function main(): Promise<void> {
  const root = await makeTempDir('voice-journal-bench-replication-')
  const network = await startTestnet()
  const children: ChildProcess[] = []
  let seeder: HeadlessApp | undefined
  try {
    // The audio: one real MP3, added ENTRIES times under distinct ids.
    const mp3 = join(root.dir, 'entry.mp3')
    makeMp3(mp3, SIZE_MB)
    const fileBytes = statSync(mp3).size
    const { durationMs } = await probeAudio(mp3)
    console.log(
      `journal: ${ENTRIES} entries × ${(fileBytes / MB).toFixed(2)} MB MP3 (${(durationMs / 1000).toFixed(1)} s, 128 kbit/s) = ${mb(ENTRIES * fileBytes)}; ` +
        `${ROUNDS} rounds each of app and bare, alternating, fresh fetcher each time; MB = 2^20 bytes`
    )

    // Both seeders' data at once: the app's through the journal's real add path, the bare one in its process.
    const appSeedDir = join(root.dir, 'app-seed')
    const bareSeed = startPeer<SeedReady>({ role: 'seed', dir: join(root.dir, 'bare-seed'), bootstrap: network.bootstrap, file: mp3, entries: ENTRIES, durationMs })
    let started = performance.now()
    const appLayout = await writeSeederJournal(appSeedDir, mp3, null)
    const appWriteMs = performance.now() - started
    const bare = await bareSeed
    children.push(bare.child)
    const bareMeter = new ProcessMeter(bare.child.pid!)
    console.log(
      `seeders written: app journal ${seconds(appWriteMs)} (${appLayout.dbLength} index blocks, ${appLayout.blobsLength} audio blocks, ${mb(appLayout.bytes)}); ` +
        `bare drive ${seconds(bare.reply.writeMs)} (${bare.reply.dbLength} index blocks, ${bare.reply.blobsLength} audio blocks, ${mb(bare.reply.bytes)})`
    )
    if (appLayout.blobsLength !== bare.reply.blobsLength) throw new Error('the app and bare drives do not have the same audio blocks')

    seeder = await startHeadless(appSeedDir, ['--bootstrap', network.bootstrap])
    const seederMeter = new ProcessMeter(seeder.process.pid!)
    const { key, link } = seeder.info

    // Alternating rounds: app, bare / bare, app / … so drift over the run hits both alike.
    const app: RoundResult[] = []
    const bareRuns: RoundResult[] = []
    const line = (label: string, run: RoundResult): string =>
      `${label}: ${mb(run.bytes)} in ${seconds(run.ms)} = ${(run.bytes / MB / (run.ms / 1000)).toFixed(1)} MB/s ` +
      `(first peer after ${run.firstPeerMs.toFixed(0)} ms; fetcher CPU ${run.fetcher.cpuPercent.toFixed(0)}%, peak RSS ${mb(run.fetcher.peakRssBytes)})`
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? (['app', 'bare'] as const) : (['bare', 'app'] as const)
      for (const side of order) {
        if (side === 'app') {
          const run = await appRound(root.dir, network.bootstrap, link, key, appLayout.bytes)
          app.push(run)
          console.log(line(`round ${round} app `, run))
        } else {
          const run = await bareRound(root.dir, network.bootstrap, bare.reply.key, bare.reply.bytes)
          bareRuns.push(run)
          console.log(line(`round ${round} bare`, run))
        }
      }
    }
    const rate = (runs: RoundResult[]): number => median(runs.map((run) => run.bytes / MB / (run.ms / 1000)))
    const ratio = rate(app) / rate(bareRuns)
    console.log(
      `replication median: app ${rate(app).toFixed(1)} MB/s, bare Hyperdrive ${rate(bareRuns).toFixed(1)} MB/s, ratio app/bare ${ratio.toFixed(2)} ` +
        `(target ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'NOT met'})`
    )

    // The same bytes as a private journal: fetched with its link (a reader that seeds), and by a
    // blind host given its key alone; in alternating rounds, against the public figure above.
    const privateSeedDir = join(root.dir, 'private-seed')
    started = performance.now()
    const privateLayout = await writeSeederJournal(privateSeedDir, mp3, JournalKeys.generate())
    console.log(`private seeder written: ${seconds(performance.now() - started)} (${privateLayout.dbLength} index blocks, ${privateLayout.blobsLength} audio blocks, ${mb(privateLayout.bytes)})`)
    const privateSeeder = await startHeadless(privateSeedDir, ['--bootstrap', network.bootstrap])
    try {
      if (!privateSeeder.info.private) throw new Error('the private seeder opened its journal as public')
      const withKey: RoundResult[] = []
      const blind: RoundResult[] = []
      for (let round = 1; round <= ROUNDS; round++) {
        const order = round % 2 ? (['key', 'blind'] as const) : (['blind', 'key'] as const)
        for (const side of order) {
          // A host without the read key stores and counts each block as sent: with its 8 bytes of
          // encryption padding, which a core opened with the key leaves out of its byte length.
          const expected = side === 'key' ? privateLayout.bytes : privateLayout.bytes + ENCRYPTION_PADDING_BYTES * (privateLayout.dbLength + privateLayout.blobsLength)
          const run = await appRound(root.dir, network.bootstrap, side === 'key' ? privateSeeder.info.link : privateSeeder.info.key, privateSeeder.info.key, expected)
          ;(side === 'key' ? withKey : blind).push(run)
          console.log(line(`round ${round} ${side === 'key' ? 'private, with its link' : 'private, blind host   '}`, run))
        }
      }
      const privateRatio = rate(withKey) / rate(app)
      const blindRatio = rate(blind) / rate(withKey)
      console.log(
        `private journal with its link: ${rate(withKey).toFixed(1)} MB/s vs the same bytes public ${rate(app).toFixed(1)} MB/s, ratio ${privateRatio.toFixed(2)} ` +
          `(target ≥ 0.90: ${privateRatio >= 0.9 ? 'met' : 'NOT met'}); blind host ${rate(blind).toFixed(1)} MB/s vs a reading seeder ${rate(withKey).toFixed(1)} MB/s, ` +
          `ratio ${blindRatio.toFixed(2)} (target ≥ 0.90: ${blindRatio >= 0.9 ? 'met' : 'NOT met'})`
      )
    } finally {
      await privateSeeder.stop()
    }

    // First audio byte, on a fresh app that holds nothing of the journal.
    const data = await subDir(root.dir, 'app-play-')
    const player = await startHeadless(data.dir, ['--bootstrap', network.bootstrap])
    try {
      started = performance.now()
      await player.call('addToLibrary', { link })
      let entries: EntryDto[] = []
      let firstList = NaN
      for (;;) {
        entries = await player.call<EntryDto[]>('listEntries', { journal: key })
        if (entries.length && Number.isNaN(firstList)) firstList = performance.now() - started
        if (entries.length === ENTRIES) break
        if (performance.now() - started > 60_000) throw new Error(`only ${entries.length} of ${ENTRIES} entries listed after 60 s`)
        await sleep(POLL_MS)
      }
      const listed = performance.now() - started
      // Spread over the journal (newest first, as the window lists them); none downloaded yet.
      const picks = Array.from({ length: FIRST_BYTE_ENTRIES }, (_, i) => entries[Math.floor((i * entries.length) / FIRST_BYTE_ENTRIES)]!)
      if (picks.some((entry) => entry.blocksDownloaded > 0)) throw new Error('an entry to play was already downloaded')
      const times: number[] = []
      for (const entry of picks) times.push(await firstAudioByte(player, key, entry.path))
      const fetched = await player.call<EntryDto[]>('listEntries', { journal: key })
      const partial = picks.filter((pick) => {
        const now = fetched.find((entry) => entry.path === pick.path)!
        return now.blocksDownloaded < now.blocksTotal
      }).length
      console.log(
        `first audio byte (fresh app, GET /audio/… Range: bytes=0-, ${picks.length} entries not yet downloaded): ` +
          `median ${median(times).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms ` +
          `(target < 300 ms: ${percentile(times, 95) < 300 ? 'met' : 'NOT met'}); ` +
          `journal added → entry list complete in ${listed.toFixed(0)} ms (first entries at ${firstList.toFixed(0)} ms); ` +
          `${partial}/${picks.length} of the played entries still partly downloaded afterwards`
      )
    } finally {
      await player.stop()
      await data.cleanup()
    }

    const seederUsage = seederMeter.stop()
    const bareUsage = bareMeter.stop()
    const fetchPeak = (runs: RoundResult[]): string => mb(Math.max(...runs.map((run) => run.fetcher.peakRssBytes)))
    console.log(
      `peak RSS: app seeder ${mb(seederUsage.peakRssBytes)}, app fetchers ${fetchPeak(app)}; bare seeder ${mb(bareUsage.peakRssBytes)}, bare fetchers ${fetchPeak(bareRuns)}`
    )
  } finally {
    await seeder?.stop()
    for (const child of children) await stopPeer(child)
    await network.testnet.destroy()
    await root.cleanup()
  }
}

await main()
