import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { parseFeed } from '@rowanmanning/feed-parser'
import type { EntryDto } from '#shared/dto'
import { renderFeed } from '../../src/main/publish/feed'
import { PAGE_CSP, renderPage } from '../../src/main/publish/page'
import { HELLO_DURATION_MS, HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { openTempJournal } from '../helpers/journal-fixture'

const PAGE_URL = 'https://host.example/p/AAAAAAAAAAAAAAAAAAAAAA/'
const HOSTILE = 'Tom & Jerry <script>alert(1)</script> "quoted" \'single\' ]]> \u0007bell'

// A real journal with three entries, one titled with everything markup must escape: the feed is
// read back by a podcast-grade parser and the page checked as a browser would get it.
describe('a published journal rendered as a podcast feed and a web page', () => {
  let fixture: Awaited<ReturnType<typeof openTempJournal>>
  let entries: EntryDto[]

  before(async () => {
    fixture = await openTempJournal()
    await fixture.journal.addAudioFile(HELLO_MP3, { source: 'record', madeAt: new Date(Date.UTC(2026, 0, 2, 9, 30)) })
    await fixture.journal.addAudioFile(HELLO_WAV, { source: 'import', madeAt: new Date(Date.UTC(2026, 2, 4, 18, 5)), title: HOSTILE })
    await fixture.journal.addAudioFile(HELLO_MP3, { source: 'stream', madeAt: new Date(Date.UTC(2025, 11, 31, 23, 59)), title: 'Last year' })
    entries = await fixture.journal.listEntries()
  })
  after(() => fixture.cleanup())

  const feedOf = (isPrivate = false): string =>
    renderFeed({ title: 'Kitchen <radio>', pageUrl: PAGE_URL, feedUrl: `${PAGE_URL}feed.xml`, publicationId: 'AAAAAAAAAAAAAAAAAAAAAA', entries, private: isPrivate })

  it('the feed parses, one item per entry newest first, each with its audio as the enclosure (absolute URL, byte length, type), a guid and a date', () => {
    const feed = parseFeed(feedOf())
    assert.equal(feed.title, 'Kitchen <radio>')
    assert.equal(feed.url, PAGE_URL)
    assert.equal(feed.items.length, entries.length)
    feed.items.forEach((item, i) => {
      const entry = entries[i]!
      assert.equal(item.published?.getTime(), Math.floor(entry.mtime / 1000) * 1000, `item ${i} is entry ${i}, newest first`)
      assert.equal(item.media.length, 1)
      const media = item.media[0]!
      assert.equal(media.url, `${PAGE_URL}audio/${entry.path.slice('/recordings/'.length)}`)
      assert.equal(media.length, entry.size)
      assert.equal(media.mimeType, entry.format === 'wav' ? 'audio/wav' : 'audio/mpeg')
      assert.ok(item.id?.includes(entry.path), 'a guid that names the entry')
    })
    assert.deepEqual(
      feed.items.map((item) => item.title),
      ['Tom & Jerry <script>alert(1)</script> "quoted" \'single\' ]]> bell', 'Recording 2 Jan 2026, 09:30 UTC', 'Last year'],
      'titles round-trip escaped; an untitled entry is named by its time; control characters are dropped'
    )
    assert.equal(new Set(feed.items.map((item) => item.id)).size, entries.length, 'guids are unique')
  })

  it('the feed carries the podcast tags: durations in seconds, and a private feed blocked from directories', () => {
    const xml = feedOf(true)
    assert.match(xml, /xmlns:itunes="http:\/\/www\.itunes\.com\/dtds\/podcast-1\.0\.dtd"/)
    assert.equal(xml.match(/<itunes:duration>(\d+)<\/itunes:duration>/g)?.length, entries.length)
    assert.match(xml, new RegExp(`<itunes:duration>${Math.round(HELLO_DURATION_MS / 1000)}</itunes:duration>`))
    assert.match(xml, /<itunes:block>Yes<\/itunes:block>/)
    assert.doesNotMatch(feedOf(false), /itunes:block/)
    assert.doesNotMatch(xml, /<script>/, 'no markup from a title gets through')
  })

  it('the same journal version renders the same bytes (the ETag is its version)', () => {
    assert.equal(feedOf(), feedOf())
    assert.equal(renderPage({ title: 'x', entries, private: false }), renderPage({ title: 'x', entries, private: false }))
  })

  it('the page lists every entry with a player that loads nothing until played, escaped, in a language, with the feed linked', () => {
    const html = renderPage({ title: 'Kitchen <radio>', entries, private: true })
    assert.match(html, /^<!doctype html>\n<html lang="en">/)
    assert.match(html, /<title>Kitchen &lt;radio&gt;<\/title>/)
    assert.match(html, /<h1>Kitchen &lt;radio&gt;<\/h1>/)
    assert.match(html, /<link rel="alternate" type="application\/rss\+xml" [^>]*href="feed.xml">/)
    assert.match(html, /<meta name="robots" content="noindex, nofollow">/)
    const players = [...html.matchAll(/<audio controls preload="none" src="([^"]+)"/g)].map((match) => match[1])
    assert.deepEqual(players, entries.map((entry) => `audio/${entry.path.slice('/recordings/'.length)}`))
    assert.equal(html.match(/<li /g)?.length, entries.length)
    assert.doesNotMatch(html, /<script/i, 'no script, the hostile title included')
    assert.match(html, /Tom &amp; Jerry &lt;script&gt;alert\(1\)&lt;\/script&gt; &quot;quoted&quot; &#39;single&#39;/)
    assert.doesNotMatch(renderPage({ title: 'x', entries, private: false }), /robots/)
  })

  it("the page's policy allows its own audio and its one style, and nothing else", () => {
    assert.match(PAGE_CSP, /default-src 'none'/)
    assert.match(PAGE_CSP, /media-src 'self'/)
    assert.match(PAGE_CSP, /style-src 'sha256-[A-Za-z0-9+/=]+'/)
    assert.match(PAGE_CSP, /frame-ancestors 'none'/)
    assert.doesNotMatch(PAGE_CSP, /script-src|unsafe/)
  })

  it('an empty journal renders a page that says so and a feed without items', () => {
    assert.match(renderPage({ title: 'x', entries: [], private: false }), /No recordings yet/)
    assert.equal(parseFeed(renderFeed({ title: 'x', pageUrl: PAGE_URL, feedUrl: `${PAGE_URL}feed.xml`, publicationId: 'A', entries: [], private: false })).items.length, 0)
  })
})
