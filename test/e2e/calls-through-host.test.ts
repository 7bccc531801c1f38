import { strict as assert } from 'node:assert'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { callerAudioDir, CALLER_AUDIO_FILES, loadCallerAudio, VonageSimulator, type CallerAudio } from '@voice-journal/vonage-sim'
import type { Collection, EntryDto, JournalStatus, LibraryItem } from '#shared/dto'
import { BOTH_SCHEMES, expectAccessible } from '../helpers/axe'
import type { HeadlessApp } from '../helpers/headless-process'
import { waitFor } from '../helpers/wait-for'
import { testnetPeers, type TestnetPeer } from './pages/testnet-peers'
import { openAppWindow } from './pages/window-session'

const PEER_WAIT_MS = 60_000
/** Issue 11: a call taken while the desktop was off is in its journal this soon after it starts. */
const BACK_WITHIN_MS = 10_000
const CALLS = 5

// Calls through an always-on host, as separate people's apps on a loopback testnet: H, a headless
// host in record mode that the Vonage simulator calls, writes the calls into its private journal;
// A, the desktop (a headless process whose window is driven in Chromium), is told H's private
// link in Settings → Phone intake and collects every call into its own journal, once each.
describe('calls arrive through an always-on host', () => {
  const peers = testnetPeers()
  type Peer = TestnetPeer
  const startPeer = (env: NodeJS.ProcessEnv = {}): Promise<Peer> => peers.startPeer([], { env })

  /** H, taking calls in record mode from a simulated Vonage account; the caller says `audio`. */
  async function startHost(audio?: CallerAudio): Promise<{ h: Peer; call: () => Promise<void> }> {
    const simulator = await VonageSimulator.start()
    peers.onCleanup(() => simulator.close())
    const h = await startPeer({ ...simulator.appEnvironment(), JOURNAL_MODE: 'record' })
    assert.equal(h.app.info.private, true, "the host's journal is private")
    assert.match(h.app.info.link, /#encryptionKey=/, 'its printed link is the private link')
    // No greeting, and room for the longest recording: what is tested is where the calls go.
    await h.app.call('saveSettings', { greeting: '', maxSeconds: 7200 })
    const call = async (): Promise<void> => {
      const webhooks = h.app.info.localWebhookUrl
      const result = await simulator.placeCall({ answerUrl: `${webhooks}/answer`, eventUrl: `${webhooks}/event`, realtime: false, ...(audio ? { audio } : {}) }).done
      assert.equal(result.status, 'completed', result.error)
    }
    return { h, call }
  }

  const entriesOf = (app: HeadlessApp, journal?: string): Promise<EntryDto[]> => app.call<EntryDto[]>('listEntries', journal ? { journal } : {})
  const collectionOf = async (a: Peer, from: string): Promise<Collection | undefined> =>
    (await a.app.call<LibraryItem[]>('listLibrary')).find((item) => item.active)?.collecting?.find((c) => c.from === from)

  /** In A's window: Settings → Phone intake → the host's link, from the keyboard; the state shows below it. */
  async function collectThroughWindow(a: Peer, h: Peer): Promise<void> {
    const window = await openAppWindow(peers.browser(), a.app)
    try {
      const { page } = window
      await page.getByTestId('nav-settings').click()
      const section = page.getByTestId('host-calls')
      await section.waitFor()
      await section.getByRole('textbox', { name: "The host's private link" }).fill(h.app.info.link)
      await page.keyboard.press('Enter')
      const collection = section.locator(`[data-testid="collection"][data-from="${h.app.info.key}"]`)
      await collection.waitFor({ timeout: PEER_WAIT_MS })
      assert.match((await collection.getByRole('heading').textContent()) ?? '', /Collects from Journal /)
      assert.equal(await page.getByTestId('settings-dirty').count(), 0, 'nothing to save: it is not a setting')
      assert.deepEqual(window.errors, [], "no console errors in A's window")
    } finally {
      await window.close()
    }
  }

  /** H's calls, each once in A at the same path with the same recording time, their audio byte for byte as H serves it. */
  async function assertCollected(a: Peer, h: Peer, originals: EntryDto[]): Promise<void> {
    const copies = await entriesOf(a.app)
    assert.equal(copies.length, originals.length, 'each call once, nothing else')
    assert.deepEqual(copies.map((entry) => entry.path).sort(), originals.map((entry) => entry.path).sort())
    for (const original of originals) {
      const copy = copies.find((entry) => entry.path === original.path)!
      assert.deepEqual([copy.mtime, copy.source, copy.collectedFrom], [original.mtime, 'record', { key: h.app.info.key, path: original.path }], 'recording time kept')
      assert.ok((await a.app.audio(copy.path)).equals(await h.app.audio(original.path)), `${copy.path}: the same audio, byte for byte`)
    }
  }

  /** A stopped, then `CALLS` calls land in H; resolves with H's entries. */
  async function callsWhileAway(a: Peer, h: Peer, call: () => Promise<void>): Promise<EntryDto[]> {
    await a.stop()
    for (let i = 0; i < CALLS; i++) await call()
    await waitFor(async () => (await entriesOf(h.app)).length === CALLS, `the ${CALLS} calls are entries on H`, PEER_WAIT_MS)
    return entriesOf(h.app)
  }

  it(`a call made while the desktop is off is in its journal within ${BACK_WITHIN_MS / 1000} s of its start, once, byte for byte; deleting it on the host leaves the copy`, async (t) => {
    const { h, call } = await startHost()
    const a = await startPeer()
    await collectThroughWindow(a, h)
    const originals = await callsWhileAway(a, h, call)

    const started = Date.now()
    await a.start()
    await waitFor(async () => (await entriesOf(a.app)).length >= CALLS, `A holds the ${CALLS} calls`, PEER_WAIT_MS)
    const elapsed = Date.now() - started
    t.diagnostic(`all ${CALLS} calls in A ${elapsed} ms after it started`)
    assert.ok(elapsed < BACK_WITHIN_MS, `all ${CALLS} calls were in A ${elapsed} ms after it started (at most ${BACK_WITHIN_MS} ms)`)
    await assertCollected(a, h, originals)
    await waitFor(async () => (await collectionOf(a, h.app.info.key))?.state === 'idle', 'A has nothing left to copy')
    assert.equal((await collectionOf(a, h.app.info.key))?.entries, CALLS)

    for (const entry of originals) await h.app.call('deleteEntry', { path: entry.path, erase: true })
    assert.deepEqual(await entriesOf(h.app), [])
    // A has seen the deletions once its copy of H's journal is at H's version.
    const hVersion = (await h.app.call<JournalStatus>('getStatus')).version
    await waitFor(async () => (await a.app.call<JournalStatus>('getStatus', { journal: h.app.info.key })).version === hVersion, "A sees H's deletions", PEER_WAIT_MS)
    await waitFor(async () => (await collectionOf(a, h.app.info.key))?.state === 'idle', 'A has looked at H again')
    const copies = await entriesOf(a.app)
    assert.deepEqual(copies.map((entry) => entry.path).sort(), originals.map((entry) => entry.path).sort(), "A's copies stay")
    for (const copy of copies) assert.ok((await a.app.audio(copy.path)).length === copy.size, `${copy.path} still plays in full`)
  })

  it('a desktop killed while it copies the calls ends with each of them once after a restart', async (t) => {
    // Long calls (about 25 minutes of speech each, 6 MB of MP3) keep A copying long enough to be
    // caught at it: the bundled speech's MP3 frames, repeated.
    const dir = await peers.tempDir()
    const speech = await readFile(join(callerAudioDir(), CALLER_AUDIO_FILES[1]))
    const longFile = join(dir, 'long-call.mp3')
    await writeFile(longFile, Buffer.concat(Array.from({ length: 160 }, () => speech)))
    const { h, call } = await startHost(loadCallerAudio(longFile))
    const a = await startPeer()
    await collectThroughWindow(a, h)
    const originals = await callsWhileAway(a, h, call)
    assert.ok(originals.every((entry) => entry.size > 5_000_000), 'each call is several MB')

    await a.start()
    let caught: Collection | undefined
    await waitFor(
      async () => {
        const collection = await collectionOf(a, h.app.info.key)
        if (collection?.state !== 'copying' || collection.entries < 1 || collection.pending < 1) return false
        // Mid-way: some calls are in, the rest are still to come. SIGKILL: no shutdown code runs.
        await a.app.kill()
        caught = collection
        return true
      },
      'A is copying, with some calls in and some to go',
      PEER_WAIT_MS
    )
    assert.ok(caught!.entries < CALLS)
    t.diagnostic(`killed with ${caught!.entries} calls in and ${caught!.pending} to go`)

    await a.start()
    await waitFor(async () => (await collectionOf(a, h.app.info.key))?.entries === CALLS, `A has collected all ${CALLS} calls`, PEER_WAIT_MS)
    await waitFor(async () => (await collectionOf(a, h.app.info.key))?.state === 'idle', 'A has nothing left to copy')
    await assertCollected(a, h, originals)
  })

  it("refuses a bad link at its field, shows the host's state under it, and stops from the keyboard", async () => {
    const { h } = await startHost()
    const a = await startPeer()
    const window = await peers.openWindow(a.app)
    const { page } = window
    await page.getByTestId('nav-settings').click()
    const section = page.getByTestId('host-calls')
    const input = section.getByRole('textbox', { name: "The host's private link" })
    await input.fill('hyper://not-a-key/')
    await section.getByRole('button', { name: 'Collect calls from this host' }).click()
    const error = section.getByTestId('host-calls-error')
    await error.waitFor()
    assert.match((await error.textContent()) ?? '', /A journal key is/)
    assert.equal(await input.getAttribute('aria-invalid'), 'true')
    assert.match((await input.getAttribute('aria-describedby')) ?? '', /host-calls-error/)
    assert.equal(await input.inputValue(), 'hyper://not-a-key/', 'what was typed stays, to be fixed')
    assert.equal(await page.getByTestId('settings-error').count(), 0, 'the settings form itself is not refused')
    await expectAccessible(page, 'a refused host link', BOTH_SCHEMES)

    // The private link, from the keyboard: the error goes as the text changes, Enter collects.
    await input.fill('')
    await input.pressSequentially(h.app.info.link.slice(0, 10))
    assert.equal(await error.count(), 0, 'the message went with the text it was about')
    await input.fill(h.app.info.link)
    await input.press('Enter')
    const collection = section.getByTestId('collection')
    await collection.waitFor({ timeout: PEER_WAIT_MS })
    assert.equal(await collection.getAttribute('data-from'), h.app.info.key)
    assert.equal(await input.inputValue(), '', 'the field is ready for another host')
    await waitFor(async () => (await collection.getByTestId('collection-state').getAttribute('data-state')) === 'idle', 'the state says up to date', PEER_WAIT_MS)
    await expectAccessible(page, 'collecting from a host, in Settings', BOTH_SCHEMES)

    const stop = collection.getByRole('button', { name: /^Stop collecting from Journal / })
    await stop.focus()
    await page.keyboard.press('Enter')
    await collection.waitFor({ state: 'detached' })
    assert.deepEqual((await a.app.call<LibraryItem[]>('listLibrary')).find((item) => item.active)?.collecting, [])
    assert.deepEqual(window.errors.filter((e) => !/status of 400/.test(e)), [], 'no console errors but the refused request')
  })
})
