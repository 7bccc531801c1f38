import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { resolveRange } from '../../src/main/journal/byte-range'

describe('resolveRange', () => {
  const size = 1000
  it('treats a missing, multi-range or malformed header as the full file', () => {
    for (const header of [null, '', 'bytes=', 'bytes=-', 'items=0-5', 'bytes=0-5,10-20', 'bytes=abc-']) {
      assert.deepEqual(resolveRange(header, size), { kind: 'full' }, String(header))
    }
  })
  it('resolves a-b, a-, -n and clamps', () => {
    assert.deepEqual(resolveRange('bytes=0-0', size), { kind: 'partial', range: { start: 0, end: 0 } })
    assert.deepEqual(resolveRange('bytes=10-', size), { kind: 'partial', range: { start: 10, end: 999 } })
    assert.deepEqual(resolveRange('bytes=-10', size), { kind: 'partial', range: { start: 990, end: 999 } })
    assert.deepEqual(resolveRange('bytes=-5000', size), { kind: 'partial', range: { start: 0, end: 999 } })
    assert.deepEqual(resolveRange('bytes=900-5000', size), { kind: 'partial', range: { start: 900, end: 999 } })
  })
  it('marks impossible ranges unsatisfiable', () => {
    for (const header of ['bytes=1000-', 'bytes=5000-6000', 'bytes=-0', 'bytes=20-10']) {
      assert.deepEqual(resolveRange(header, size), { kind: 'unsatisfiable' }, header)
    }
    assert.deepEqual(resolveRange('bytes=0-', 0), { kind: 'unsatisfiable' })
  })
})
