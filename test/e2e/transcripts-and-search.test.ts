import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { speechWithTranscript, VonageSimulator } from '@voice-journal/vonage-sim'
import type { EntryDto, LibraryItem } from '#shared/dto'
import type { Transcript } from '#shared/transcript'
import type { TranscriptSentenceDto } from '#shared/transcript-dto'
import { flattenTranscript } from '../../src/main/journal/transcript-file'
import { EVERY_LAYOUT, expectAccessible } from '../helpers/axe'
import { waitFor } from '../helpers/wait-for'
import { waitEntriesShown } from './pages/axe-window'
import { openWindowSession, type WindowSession } from './pages/window-session'

/** Three calls, each with words only it says ("lighthouse", "orchard", "violin") and words they share. */
const CALLS = {
  harbour: ['The lighthouse keeper waved', 'Gulls followed our small boat home'],
  orchard: ['We picked apples in the orchard', 'The boat trip can wait'],
  music: ['Violin practice ran late', 'Then we walked home slowly']
}

/** How far from where a word is said playback may start. */
const PLAY_TOLERANCE_S = 0.5

/** A call's entry, and what the simulator said in it: its sentences with every word's time, as the window shows them. */
interface SpokenCall {
  entry: EntryDto
  spoken: { sentences: TranscriptSentenceDto[] }
}

// The window over a journal of three simulated calls in record mode with transcription on: the
// simulator's callers speak sentences made word by word with espeak-ng (so every word's time is
// known), Vonage's transcript of each arrives through the app's transcription webhook and lands
// beside its entry. Then: searching, playing from a word, following along, correcting.
describe('transcripts and search in Chromium', () => {
  let session: WindowSession
  let simulator: VonageSimulator
  const recordings = new Map<string, SpokenCall>()

  before(async () => {
    simulator = await VonageSimulator.start()
    const env = { ...simulator.appEnvironment(), JOURNAL_MODE: 'record', VONAGE_TRANSCRIPTION: 'en-US' }
    session = await openWindowSession(env, async (app) => {
      const { key } = await app.call<LibraryItem>('createJournal', { name: 'Spoken journal' })
      await app.call('setActiveJournal', { journal: key })
      await app.call('saveSettings', { greeting: '' })
      const webhooks = app.info.localWebhookUrl
      for (const [name, sentences] of Object.entries(CALLS)) {
        const speech = await speechWithTranscript(sentences)
        const result = await simulator.placeCall({ answerUrl: `${webhooks}/answer`, eventUrl: `${webhooks}/event`, audio: speech.audio, realtime: false }).done
        assert.equal(result.status, 'completed', result.error)
        const recording = result.recordings[0]!
        const path = `/recordings/${recording.startTime.slice(0, 4)}/${recording.startTime.slice(5, 7)}/${recording.recordingUuid}.mp3`
        let entry: EntryDto | undefined
        await waitFor(async () => (entry = (await app.call<EntryDto[]>('listEntries')).find((candidate) => candidate.path === path && candidate.hasTranscript)) !== undefined, `the ${name} call and its transcript land`, 30_000)
        // What the simulator said, word by word, as Vonage transcribed it.
        recordings.set(name, { entry: entry!, spoken: flattenTranscript(recording.transcription!.transcript as Transcript) })
      }
    })
    // The window opened before the journal was made: show the one just filled.
    await session.page.reload()
    await waitEntriesShown(session.journal, 3)
  })
  after(async () => {
    await session?.close()
    await simulator?.close()
  })

  const audio = {
    time: () => session.page.evaluate(() => (document.getElementById('player-audio') as HTMLAudioElement).currentTime),
    /** Remembers where playback is when it next starts playing. */
    catchStart: () =>
      session.page.evaluate(() => {
        const el = document.getElementById('player-audio') as HTMLAudioElement
        delete el.dataset.startedAt
        el.addEventListener('playing', () => (el.dataset.startedAt = String(el.currentTime)), { once: true })
      }),
    startedAt: async () => {
      let at: string | undefined
      await waitFor(async () => (at = await session.page.evaluate(() => document.getElementById('player-audio')!.dataset.startedAt)) !== undefined, 'playback starts', 20_000)
      return Number(at)
    },
    pause: () => session.page.evaluate(() => (document.getElementById('player-audio') as HTMLAudioElement).pause())
  }

  it('shows an untitled entry by its first sentence and marks entries with a transcript', async () => {
    const { journal } = session
    await journal.row(recordings.get('harbour')!.entry.path).getByTestId('entry-has-transcript').waitFor()
    assert.equal(await journal.byTestId('entry-has-transcript').count(), 3)
    // An import is titled by its file name; cleared, the title is the first thing said.
    const music = recordings.get('music')!.entry
    await session.app.call('renameEntry', { path: music.path, title: '' })
    const title = journal.row(music.path).getByTestId('entry-title')
    await waitFor(async () => (await title.textContent())?.trim() === CALLS.music[0], 'the untitled entry shows its first sentence')
  })

  it('searching a word said in one call lists only that entry, marks the word, and a click plays from where it was said', async () => {
    const { page, journal } = session
    const { entry, spoken } = recordings.get('harbour')!
    // `/` types a slash where the keyboard is in a field; from anywhere else it goes to the search box.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('/')
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search-input', '/ focuses the search box')
    await page.keyboard.type('lighthouse')
    await waitFor(async () => (await journal.byTestId('search-hit').count()) === 1 && (await journal.byTestId('search-hit').getAttribute('data-path')) === entry.path, 'only the harbour call is listed')
    const match = journal.byTestId('search-hit').getByTestId('search-match')
    assert.equal((await match.textContent())?.trim(), 'lighthouse')
    assert.equal(await match.locator('mark').count(), 1, 'the word is highlighted')

    const said = spoken.sentences[0]!.words[1]!
    await audio.catchStart()
    await match.click()
    const started = await audio.startedAt()
    assert.ok(Math.abs(started - said.startMs / 1000) <= PLAY_TOLERANCE_S, `played from ${started} s; the word is said at ${said.startMs / 1000} s`)
    // The transcript opened with the word marked too.
    const marked = page.locator('[data-testid="transcript-panel"] [data-testid="transcript-word"][data-match="true"]')
    await marked.first().waitFor()
    assert.equal((await marked.textContent())?.trim(), 'lighthouse')
    await audio.pause()

    // Enter plays from the first match of the best result; Escape clears the box and the list is back.
    const { entry: orchard, spoken: orchardSpoken } = recordings.get('orchard')!
    await page.getByTestId('search-input').fill('orch')
    await waitFor(async () => (await journal.byTestId('search-hit').getAttribute('data-path').catch(() => null)) === orchard.path, 'a prefix finds the orchard call')
    await audio.catchStart()
    await page.getByTestId('search-input').press('Enter')
    const fromEnter = await audio.startedAt()
    const orchardWord = orchardSpoken.sentences[0]!.words[5]!
    assert.equal(orchardWord.text, 'orchard')
    assert.ok(Math.abs(fromEnter - orchardWord.startMs / 1000) <= PLAY_TOLERANCE_S, `Enter played from ${fromEnter} s; "orchard" is at ${orchardWord.startMs / 1000} s`)
    await audio.pause()
    await page.getByTestId('search-input').press('ArrowDown')
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search-hit-open', '↓ goes into the results')
    await page.getByTestId('search-input').press('Escape')
    assert.equal(await page.getByTestId('search-input').inputValue(), '')
    await waitEntriesShown(journal, 3)
  })

  it('the highlighted sentence follows playback into the second sentence', async () => {
    const { page, journal } = session
    const { entry } = recordings.get('music')!
    await journal.row(entry.path).click()
    const panel = page.getByTestId('transcript-panel')
    await panel.locator(`[data-testid="transcript-sentence"]`).first().waitFor()
    assert.equal(await panel.getAttribute('data-path'), entry.path)
    const current = panel.locator('[data-testid="transcript-sentence"][aria-current="true"]')
    await panel.locator('[data-testid="transcript-sentence"][data-index="0"]').click()
    await waitFor(async () => (await current.getAttribute('data-index').catch(() => null)) === '0', 'the first sentence is highlighted while it plays', 20_000)
    await waitFor(async () => (await current.getAttribute('data-index').catch(() => null)) === '1', 'the highlight moves to the second sentence', 20_000)
    assert.ok((await audio.time()) * 1000 >= recordings.get('music')!.spoken.sentences[1]!.startMs - 300)
    await audio.pause()
  })

  it('a correction is saved as a new version, shows in history and is found by its new words', async () => {
    const { page, journal } = session
    const { entry } = recordings.get('orchard')!
    await journal.row(entry.path).click()
    const panel = page.getByTestId('transcript-panel')
    await panel.getByTestId('transcript-edit').click()
    const first = panel.getByTestId('transcript-sentence-input').first()
    assert.equal(await first.inputValue(), CALLS.orchard[0])
    await first.fill('We picked pears in the orchard')
    await panel.getByTestId('transcript-save').click()
    await panel.getByTestId('transcript-reader').waitFor()
    assert.match((await panel.getByTestId('transcript-sentence').first().textContent()) ?? '', /pears/)
    await page.locator('[data-testid="history-row"]', { hasText: /Transcript of .* corrected/ }).first().waitFor({ timeout: 20_000 })

    await page.getByTestId('search-input').fill('pears')
    await waitFor(async () => (await journal.byTestId('search-hit').count()) === 1, 'the new word is found')
    await page.getByTestId('search-input').fill('apples')
    await journal.byTestId('search-empty').waitFor()
    await page.getByTestId('search-input').press('Escape')
  })

  it('the transcript panel and the search results pass axe', async () => {
    const { page, journal } = session
    await journal.row(recordings.get('harbour')!.entry.path).click()
    await page.getByTestId('transcript-reader').waitFor()
    await page.getByTestId('search-input').fill('boat')
    await waitFor(async () => (await journal.byTestId('search-hit').count()) === 2, 'two calls mention a boat')
    await expectAccessible(page, 'the transcript panel with search results', EVERY_LAYOUT)
    await page.getByTestId('search-input').press('Escape')
    await page.getByTestId('transcript-edit').click()
    await expectAccessible(page, 'correcting a transcript', EVERY_LAYOUT)
    await page.getByTestId('transcript-cancel').click()
  })
})
