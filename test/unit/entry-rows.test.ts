import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import type { EntryDto } from '#shared/dto'
import { entryRows, nearestEntryRow, type EntryListItem } from '../../src/renderer/src/format/entry-rows'

const entry = (name: string, mtime: number, callId?: string): EntryDto => ({
  path: `/recordings/2026/11/${name}.mp3`,
  mtime,
  durationMs: 1000,
  format: 'mp3',
  source: 'record',
  size: 100,
  blocksDownloaded: 1,
  blocksTotal: 1,
  ...(callId ? { callId } : {})
})
/** What a row shows, in a word: `call:<id>/<parts>`, `<name>` or `<name>#<part>`. */
const describeRow = (row: EntryListItem): string =>
  row.kind === 'call' ? `call:${row.callId}/${row.parts.length}` : `${row.entry.path.replace(/.*\/|\.mp3$/g, '')}${row.part ? `#${row.part.number}` : ''}`

describe('entry list rows', () => {
  it('puts one call’s recordings together under a header, in call order, where its newest would be', () => {
    // Newest first, as listed; call A's recordings are interleaved with another entry.
    const list = [entry('a3', 50, 'aaaa0000aaaa0000'), entry('import', 45), entry('a2', 40, 'aaaa0000aaaa0000'), entry('a1', 30, 'aaaa0000aaaa0000'), entry('single', 20, 'bbbb0000bbbb0000'), entry('old', 10)]
    const rows = entryRows(list)
    assert.deepEqual(rows.map(describeRow), ['call:aaaa0000aaaa0000/3', 'a1#1', 'a2#2', 'a3#3', 'import', 'single', 'old'])
    const header = rows[0]!
    assert.ok(header.kind === 'call')
    assert.equal(header.startedAt, 30)
    assert.equal(header.durationMs, 3000)
    assert.equal(new Set(rows.map((row) => row.key)).size, rows.length, 'keys are unique')
  })

  it('leaves a list without calls as it is', () => {
    const list = Array.from({ length: 1000 }, (_, i) => entry(`e${i}`, 1000 - i))
    assert.deepEqual(entryRows(list).map((row) => (row.kind === 'entry' ? row.entry : null)), list)
  })

  it('moves the keyboard from entry to entry, past headers', () => {
    const rows = entryRows([entry('b2', 40, 'bbbb0000bbbb0000'), entry('b1', 30, 'bbbb0000bbbb0000'), entry('x', 20)])
    assert.deepEqual(rows.map(describeRow), ['call:bbbb0000bbbb0000/2', 'b1#1', 'b2#2', 'x'])
    assert.equal(nearestEntryRow(rows, 0, 1), 1, 'down onto a header lands on its first recording')
    assert.equal(nearestEntryRow(rows, 0, -1), 1, 'up onto the top header lands on the first recording')
    assert.equal(nearestEntryRow(rows, 9, 1), 3, 'past the end is the last entry')
    assert.equal(nearestEntryRow([], 0, 1), -1)
  })
})
