/**
 * One bare peer for `bench:replication`, in its own process: plain Corestore + Hyperdrive +
 * Hyperswarm, nothing of the app. The baseline the app's replication is compared with.
 *   seed:  writes the entries into a Hyperdrive exactly as the journal does (same paths,
 *          metadata and 64 KiB blocks), joins its topic and serves it until disconnected;
 *   fetch: on `{ fetch: key }`, opens the drive, joins, downloads every block of the index and
 *          audio cores (core.download from 0, open-ended, as fast as a bare copy goes) and
 *          replies when both are held in full.
 */
import { createReadStream } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { pipeline } from 'node:stream/promises'
import Corestore from 'corestore'
import HyperDHT from 'hyperdht'
import Hyperdrive, { type HypercoreLike } from 'hyperdrive'
import Hyperswarm from 'hyperswarm'
import { decode as decodeKey, encode as encodeKey } from 'hypercore-id-encoding'
import type { EntryMetadata } from '#shared/dto'
import { entryPath } from '../src/main/journal/entry-path'
import { WRITE_BLOCK_BYTES } from '../src/main/journal/blob-copy'

export type PeerJob =
  | { role: 'seed'; dir: string; bootstrap: string; file: string; entries: number; durationMs: number }
  | { role: 'fetch'; dir: string; bootstrap: string }

export interface SeedReady {
  key: string
  dbLength: number
  blobsLength: number
  bytes: number
  writeMs: number
}

export interface FetchDone {
  ms: number
  firstPeerMs: number
  bytes: number
  blobsLength: number
}

/** The same entries as the app's journal: id `bench-<i>`, one a minute from 2026-01-01 UTC. */
export function benchEntry(i: number): { id: string; madeAt: Date } {
  return { id: `bench-${i}`, madeAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000) }
}

function startSwarm(store: Corestore, bootstrap: string): Hyperswarm {
  const nodes = bootstrap.split(',').map((node) => {
    const [host, port] = node.split(':')
    return { host: host!, port: Number(port) }
  })
  // The same DHT options the app uses on an all-loopback bootstrap list (see SwarmService).
  const swarm = new Hyperswarm({ dht: new HyperDHT({ bootstrap: nodes, host: '127.0.0.1', firewalled: false }) })
  swarm.on('connection', (connection) => store.replicate(connection))
  return swarm
}

function join(swarm: Hyperswarm, drive: Hyperdrive): void {
  swarm.join(drive.discoveryKey, { server: true, client: true })
  const done = drive.findingPeers()
  swarm.flush().then(done, done)
}

async function seed(job: Extract<PeerJob, { role: 'seed' }>): Promise<void> {
  const store = new Corestore(job.dir)
  // The extension off, as the app opens every drive: the comparison is of the same replication.
  const drive = new Hyperdrive(store, { extension: false })
  await drive.ready()
  const started = performance.now()
  for (let i = 0; i < job.entries; i++) {
    const { id, madeAt } = benchEntry(i)
    const metadata: EntryMetadata = { mtime: madeAt.getTime(), durationMs: job.durationMs, format: 'mp3', source: 'import' }
    await pipeline(createReadStream(job.file, { highWaterMark: WRITE_BLOCK_BYTES }), drive.createWriteStream(entryPath(madeAt, id, 'mp3'), { metadata }))
  }
  const writeMs = performance.now() - started
  const blobs = await drive.getBlobs()
  const swarm = startSwarm(store, job.bootstrap)
  join(swarm, drive)
  await swarm.flush()
  const ready: SeedReady = {
    key: encodeKey(drive.key),
    dbLength: drive.core.length,
    blobsLength: blobs.core.length,
    bytes: drive.core.byteLength + blobs.core.byteLength,
    writeMs
  }
  process.send!({ ready })
  // Serves until the bench disconnects (or kills) it.
  process.once('disconnect', () => {
    void swarm
      .destroy({ force: true })
      .then(() => store.close())
      .finally(() => process.exit(0))
  })
}

/** Resolves when every block of `core` up to its (known, non-zero) length is held. */
function held(core: HypercoreLike): Promise<void> {
  return new Promise((resolve) => {
    const check = (): boolean => core.length > 0 && core.contiguousLength >= core.length
    if (check()) return resolve()
    const onDownload = (): void => {
      if (check()) {
        core.off('download', onDownload as (...args: unknown[]) => void)
        resolve()
      }
    }
    core.on('download', onDownload)
  })
}

async function fetchDrive(job: Extract<PeerJob, { role: 'fetch' }>): Promise<void> {
  const store = new Corestore(job.dir)
  await store.ready()
  const swarm = startSwarm(store, job.bootstrap)
  process.send!({ ready: true })
  const { fetch: key } = await new Promise<{ fetch: string }>((resolve) => process.once('message', resolve))
  const started = performance.now()
  let firstPeerMs = NaN
  const drive = new Hyperdrive(store.session(), decodeKey(key), { extension: false })
  await drive.ready()
  drive.core.on('peer-add', () => {
    if (Number.isNaN(firstPeerMs)) firstPeerMs = performance.now() - started
  })
  join(swarm, drive)
  const dbRange = drive.core.download({ start: 0, end: -1 })
  drive.update({ wait: true }).catch(() => {})
  const blobs = await drive.getBlobs()
  const blobsRange = blobs.core.download({ start: 0, end: -1 })
  await Promise.all([held(drive.core), held(blobs.core)])
  const done: FetchDone = {
    ms: performance.now() - started,
    firstPeerMs,
    bytes: drive.core.byteLength + blobs.core.byteLength,
    blobsLength: blobs.core.length
  }
  process.send!({ done })
  dbRange.destroy()
  blobsRange.destroy()
  await swarm.destroy({ force: true })
  await drive.close()
  await store.close()
  process.exit(0)
}

// Run as a child process: the job arrives as the first message.
if (process.send) {
  process.once('message', (job: PeerJob) => {
    ;(job.role === 'seed' ? seed(job) : fetchDrive(job)).catch((error: Error) => {
      process.send!({ error: error.stack ?? error.message }, () => process.exit(1))
    })
  })
}
