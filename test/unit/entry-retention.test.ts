import { strict as assert } from 'node:assert'
import { afterEach, describe, it } from 'node:test'
import { EntryRetention } from '../../src/main/journal/entry-retention'
import { parseHeadlessOptions } from '../../src/main/headless-options'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { openTempJournal } from '../helpers/journal-fixture'

const DAY_MS = 24 * 60 * 60 * 1000

// A host's retention (`--keep-days N`) on a real journal: the check is given its "now", so days
// pass without waiting for them.
describe('a host keeps entries N days', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('deletes the entries recorded more than N days ago, erases their audio, and keeps the rest', async () => {
    const fixture = await openTempJournal()
    cleanups.push(fixture.cleanup)
    const { journal } = fixture
    const now = Date.UTC(2025, 5, 30, 12)
    const old = await journal.addAudioFile(HELLO_MP3, { source: 'record', madeAt: new Date(now - 8 * DAY_MS) })
    const justOlder = await journal.addAudioFile(HELLO_WAV, { source: 'record', madeAt: new Date(now - 7 * DAY_MS - 1) })
    const justKept = await journal.addAudioFile(HELLO_MP3, { source: 'record', madeAt: new Date(now - 7 * DAY_MS + 60_000) })
    const recent = await journal.addAudioFile(HELLO_WAV, { source: 'stream', madeAt: new Date(now - DAY_MS) })
    const retention = new EntryRetention({ keepDays: 7, journal: () => journal })

    assert.deepEqual((await retention.sweep(now)).sort(), [old.path, justOlder.path].sort())
    assert.deepEqual((await journal.listEntries()).map((entry) => entry.path).sort(), [justKept.path, recent.path].sort())
    // Erased, not only deleted: the version that still listed them has no audio for them here.
    const before = journal.drive.version - 2
    await assert.rejects(journal.openAudio(old.path, before), /erased from this computer/)
    const history = (await journal.history()).items.slice(0, 2)
    assert.deepEqual(history.map((item) => item.change), ['deleted', 'deleted'], 'the deletions are in the history')

    assert.deepEqual(await retention.sweep(now), [], 'a second check at the same time finds nothing')
    assert.deepEqual(await retention.sweep(now + 2 * DAY_MS), [justKept.path], 'two days later the next one is due')
    assert.deepEqual((await journal.listEntries()).map((entry) => entry.path), [recent.path])
  })

  it('checks at start and then on its interval, until closed', async () => {
    const fixture = await openTempJournal()
    cleanups.push(fixture.cleanup)
    const { journal } = fixture
    await journal.addAudioFile(HELLO_MP3, { source: 'record', madeAt: new Date(Date.now() - 3 * DAY_MS) })
    const retention = new EntryRetention({ keepDays: 2, journal: () => journal })
    retention.start()
    await retention.close()
    assert.deepEqual(await journal.listEntries(), [], 'the check at start deleted it')
  })

  it('takes --keep-days as a whole number of days, and --collect-from as repeatable journal links', () => {
    const key = 'i46rd8dei13gtxg5pexc4s56xbrk6az6zzkdx5b9te7zmwsbiobo'
    const link = `hyper://${key}/#encryptionKey=${'y'.repeat(52)}`
    const options = parseHeadlessOptions(['--keep-days', '30', '--collect-from', link, '--collect-from', key])
    assert.equal(options.keepDays, 30)
    assert.deepEqual(options.collectFrom, [link, key])
    assert.equal(parseHeadlessOptions([]).keepDays, undefined)
    assert.deepEqual(parseHeadlessOptions([]).collectFrom, [])
    for (const bad of ['0', '-3', '1.5', 'soon', '']) {
      assert.throws(() => parseHeadlessOptions([`--keep-days=${bad}`]), /--keep-days must be a whole number of days, 1 or more/, bad)
    }
    assert.throws(() => parseHeadlessOptions(['--collect-from', 'nonsense']), /Not a journal key or link: nonsense\nA journal key is/)
  })
})
