import { strict as assert } from 'node:assert'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { parseAudioResourcePath, audioResourcePath } from '#shared/bridge'
import { parseHeadlessOptions } from '../../src/main/headless-options'
import { decodeProvenance, encodeProvenance } from '../../src/main/journal/provenance'
import { LibraryFile } from '../../src/main/library/library-file'
import { SpeedMeter } from '../../src/main/library/speed-meter'
import { captureLog } from '../helpers/log-capture'
import { makeTempDir } from '../helpers/temp-dir'

const KEY = 'i46rd8dei13gtxg5pexc4s56xbrk6az6zzkdx5b9te7zmwsbiobo'

describe('library file', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>
  beforeEach(async () => (temp = await makeTempDir()))
  afterEach(() => temp.cleanup())

  it('saves every change at once and reads it back after a restart', async () => {
    const file = await LibraryFile.load(temp.dir)
    await file.add({ key: KEY, kind: 'followed', name: 'Harbour voices', seeding: 'off', addedAt: 1 })
    await file.update(KEY, { seeding: 'seeding' })
    await file.setActive(KEY)
    const again = await LibraryFile.load(temp.dir)
    assert.deepEqual(again.records, [{ key: KEY, kind: 'followed', name: 'Harbour voices', seeding: 'seeding', addedAt: 1 }])
    assert.equal(again.active, KEY)
  })

  it('drops damaged records with a warning instead of refusing to start', async () => {
    await (await LibraryFile.load(temp.dir)).add({ key: KEY, kind: 'followed', name: 'Harbour voices', seeding: 'off', addedAt: 1 })
    const path = join(temp.dir, 'library.json')
    const saved = JSON.parse(await readFile(path, 'utf8')) as { journals: unknown[] }
    saved.journals.push({ key: 'not a key', kind: 'followed', name: 'x' }, { key: KEY, kind: 'stolen', name: 'y' }, null)
    await writeFile(path, JSON.stringify(saved))
    const log = await captureLog()
    try {
      const file = await LibraryFile.load(temp.dir)
      assert.equal(file.records.length, 1)
      const warnings = (await log.lines()).filter((line) => line.level === 40 && /damaged entry in library\.json/.test(line.msg))
      assert.equal(warnings.length, 3)
    } finally {
      await log.close()
    }
  })
})

describe('provenance record', () => {
  it('round-trips and reads anything malformed from a peer as no provenance', () => {
    const record = { forkedFrom: KEY, version: 7, forkedAt: 1_700_000_000_000 }
    assert.deepEqual(decodeProvenance(encodeProvenance(record)), record)
    for (const bad of ['{', '[]', '{"forkedFrom":"x","version":1,"forkedAt":1}', JSON.stringify({ ...record, version: '7' }), 'x'.repeat(5000)]) {
      assert.equal(decodeProvenance(Buffer.from(bad)), null, bad.slice(0, 40))
    }
    assert.equal(decodeProvenance(null), null)
  })
})

describe('speed meter', () => {
  it('reports bytes per second over the last seconds and falls to zero when idle', () => {
    let now = 0
    const meter = new SpeedMeter(3000, () => now)
    for (; now < 2000; now += 100) meter.add(100_000)
    assert.ok(Math.abs(meter.bytesPerSecond() - 1_000_000) < 60_000, String(meter.bytesPerSecond()))
    now += 5000
    assert.equal(meter.bytesPerSecond(), 0)
  })
})

describe('audio URLs name their journal', () => {
  it('encodes each segment and decodes back to the same key and path', () => {
    const resource = audioResourcePath(KEY, '/recordings/2026/01/a b.mp3', 4)
    assert.equal(resource, `/${KEY}/recordings/2026/01/a%20b.mp3?version=4`)
    assert.deepEqual(parseAudioResourcePath(`/${KEY}/recordings/2026/01/a%20b.mp3`), { journal: KEY, path: '/recordings/2026/01/a b.mp3' })
    assert.equal(parseAudioResourcePath('/recordings'), null)
    assert.equal(parseAudioResourcePath('/%E0%A4%A/x'), null, 'broken escapes are refused, not thrown')
  })
})

describe('headless command line', () => {
  it('takes repeatable --seed keys and one hyper:// link, and names a bad key', () => {
    const options = parseHeadlessOptions(['--seed', KEY, '--seed', `hyper://${KEY}/`, `hyper://${KEY}+3/`])
    assert.deepEqual(options.seed, [KEY, `hyper://${KEY}/`])
    assert.equal(options.link, `hyper://${KEY}+3/`)
    assert.throws(() => parseHeadlessOptions(['--seed', 'nonsense']), /Not a journal key or link: nonsense\nA journal key is/)
    assert.throws(() => parseHeadlessOptions([KEY, KEY]), /at most one/)
  })
})
