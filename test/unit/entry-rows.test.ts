import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import type { EntryDto } from '#shared/dto'
import { entryRows, isCallGroup, nearestEntryRow, rowKey, type EntryRows } from '../../src/renderer/src/format/entry-rows'

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
/** What each row shows, in a word: `call:<id>/<parts>`, `<name>` or `<name>#<part>`. */
const describeRows = ({ rows, partOf }: EntryRows): string[] =>
  rows.map((row) => {
    if (isCallGroup(row)) return `call:${row.callId}/${row.parts.length}`
    const part = partOf.get(row.path)
    return `${row.path.replace(/.*\/|\.mp3$/g, '')}${part ? `#${part.number}/${part.of}` : ''}`
  })

describe('entry list rows', () => {
  it('puts one call’s recordings together under a header, in call order, where its newest would be', () => {
    // Newest first, as listed; call A's recordings are interleaved with another entry.
    const list = [entry('a3', 50, 'aaaa0000aaaa0000'), entry('import', 45), entry('a2', 40, 'aaaa0000aaaa0000'), entry('a1', 30, 'aaaa0000aaaa0000'), entry('single', 20, 'bbbb0000bbbb0000'), entry('old', 10)]
    const grouped = entryRows(list)
    assert.deepEqual(describeRows(grouped), ['call:aaaa0000aaaa0000/3', 'a1#1/3', 'a2#2/3', 'a3#3/3', 'import', 'single', 'old'])
    const { rows } = grouped
    const header = rows[0]!
    assert.ok(isCallGroup(header))
    assert.equal(header.startedAt, 30)
    assert.equal(header.durationMs, 3000)
    assert.equal(new Set(rows.map(rowKey)).size, rows.length, 'keys are unique')
  })

  it('uses a list without calls of several recordings as it is', () => {
    const list = Array.from({ length: 1000 }, (_, i) => entry(`e${i}`, 1000 - i, i % 2 ? `${i}`.padStart(16, '0') : undefined))
    const { rows, partOf } = entryRows(list)
    assert.equal(rows, list, 'the same array: nothing is copied or wrapped')
    assert.equal(partOf.size, 0)
  })

  it('moves the keyboard from entry to entry, past headers', () => {
    const grouped = entryRows([entry('b2', 40, 'bbbb0000bbbb0000'), entry('b1', 30, 'bbbb0000bbbb0000'), entry('x', 20)])
    assert.deepEqual(describeRows(grouped), ['call:bbbb0000bbbb0000/2', 'b1#1/2', 'b2#2/2', 'x'])
    const { rows } = grouped
    assert.equal(nearestEntryRow(rows, 0, 1), 1, 'down onto a header lands on its first recording')
    assert.equal(nearestEntryRow(rows, 0, -1), 1, 'up onto the top header lands on the first recording')
    assert.equal(nearestEntryRow(rows, 9, 1), 3, 'past the end is the last entry')
    assert.equal(nearestEntryRow([], 0, 1), -1)
  })
})
