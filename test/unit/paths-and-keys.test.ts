import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { entryPath, isEntryPath } from '../../src/main/journal/entry-path'
import { isLoopbackNetwork, parseBootstrap } from '../../src/main/network/bootstrap'
import { journalLink, parseJournalLink } from '#shared/journal-key'
import { formatCount, formatDuration } from '#shared/format'

const KEY = 'i46rd8dei13gtxg5pexc4s56xbrk6az6zzkdx5b9te7zmwsbiobo'

describe('entry paths', () => {
  it('uses the UTC year and zero-padded month', () => {
    // 23:30 on 31 December in New York is already January in UTC.
    assert.equal(entryPath(new Date('2026-01-01T04:30:00Z'), 'abc', 'mp3'), '/recordings/2026/01/abc.mp3')
    assert.equal(entryPath(new Date('2025-12-31T23:59:59Z'), 'abc-1', 'wav'), '/recordings/2025/12/abc-1.wav')
  })
  it('refuses ids and paths that could escape /recordings', () => {
    for (const id of ['../x', 'a/b', '', '.hidden', 'a b', 'x'.repeat(65)]) {
      assert.throws(() => entryPath(new Date(), id, 'mp3'), /letters, digits and dashes/, id)
    }
    for (const path of ['/recordings/2026/13/a.mp3', '/recordings/2026/01/../a.mp3', '/etc/passwd', '/recordings/2026/01/a.exe', 42]) {
      assert.equal(isEntryPath(path), false, String(path))
    }
    assert.equal(isEntryPath('/recordings/2026/01/0f1e-2d.flac'), true)
    assert.equal(isEntryPath('/recordings/2026/01/0f1e-2d.webm'), true)
  })
})

describe('journal keys and links', () => {
  it('accepts z-base-32, hex and hyper:// links with versions', () => {
    assert.deepEqual(parseJournalLink(KEY), { key: KEY })
    assert.deepEqual(parseJournalLink(`  hyper://${KEY}/ `), { key: KEY })
    assert.deepEqual(parseJournalLink(`hyper://${KEY}+12/recordings/x.mp3`), { key: KEY, version: 12 })
    assert.deepEqual(parseJournalLink('A'.repeat(64)), { key: 'a'.repeat(64) })
    assert.equal(journalLink(KEY, 3), `hyper://${KEY}+3/`)
  })
  it('reads a private journal’s link: the read key in the fragment, with or without a version', () => {
    const READ = KEY.split('').reverse().join('')
    assert.equal(journalLink(KEY, undefined, READ), `hyper://${KEY}/#encryptionKey=${READ}`)
    assert.equal(journalLink(KEY, 7, READ), `hyper://${KEY}+7/#encryptionKey=${READ}`)
    assert.deepEqual(parseJournalLink(journalLink(KEY, undefined, READ)), { key: KEY, encryptionKey: READ })
    assert.deepEqual(parseJournalLink(` hyper://${KEY}+7/#encryptionKey=${READ.toUpperCase()} `), { key: KEY, version: 7, encryptionKey: READ })
    assert.deepEqual(parseJournalLink(`hyper://${KEY}/recordings/x.mp3#encryptionKey=${READ}`), { key: KEY, encryptionKey: READ })
    assert.deepEqual(parseJournalLink(`${KEY}#encryptionKey=${'B'.repeat(64)}`), { key: KEY, encryptionKey: 'b'.repeat(64) })
  })
  it('rejects anything else', () => {
    const badFragments = ['#encryptionKey=', `#encryptionKey=${KEY.slice(1)}`, `#encryptionkey=${KEY}`, `#key=${KEY}`, `#encryptionKey=${KEY}&x=1`, '#']
    for (const text of ['', 'hello', KEY.slice(1), `${KEY}+0`, `https://${KEY}/`, 'l'.repeat(52), `${KEY}+x`, ...badFragments.map((f) => `hyper://${KEY}/${f}`)]) {
      assert.equal(parseJournalLink(text), null, text)
    }
  })
})

describe('bootstrap nodes', () => {
  it('parses host:port lists and spots an all-loopback network', () => {
    const nodes = parseBootstrap('127.0.0.1:49737, localhost:1,[::1]:3')
    assert.deepEqual(nodes, [{ host: '127.0.0.1', port: 49737 }, { host: 'localhost', port: 1 }, { host: '::1', port: 3 }])
    assert.equal(isLoopbackNetwork(nodes), true)
    assert.equal(isLoopbackNetwork(parseBootstrap('127.0.0.1:1,node1.hyperdht.org:49737')), false)
    assert.equal(isLoopbackNetwork([]), false)
  })
  it('names the bad part', () => {
    assert.throws(() => parseBootstrap('127.0.0.1'), /"127.0.0.1" is not host:port/)
    assert.throws(() => parseBootstrap('a:70000'), /"a:70000"/)
  })
})

describe('formatDuration', () => {
  it('formats minutes and hours', () => {
    assert.equal(formatDuration(5160), '0:05')
    assert.equal(formatDuration(65_000), '1:05')
    assert.equal(formatDuration(3_725_000), '1:02:05')
  })
})

describe('formatCount', () => {
  it('groups thousands with commas', () => {
    assert.deepEqual([0, 7, 999, 1000, 10_000, 1_234_567].map(formatCount), ['0', '7', '999', '1,000', '10,000', '1,234,567'])
  })
})
