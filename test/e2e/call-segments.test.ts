import { strict as assert } from 'node:assert'
import { after, afterEach, before, describe, it } from 'node:test'
import type { Browser } from 'playwright'
import { VonageSimulator } from '@voice-journal/vonage-sim'
import type { EntryDto } from '#shared/dto'
import { EVERY_LAYOUT, expectAccessible } from '../helpers/axe'
import { launchChromium } from '../helpers/browser'
import { toneAudio } from '../helpers/intake-harness'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'
import { openPeerWindow, type WindowSession } from './pages/window-session'

// A caller records three messages in one call ("press 1 to record another"): the window shows
// them as one call, each part still an entry that plays.
describe('several recordings in one call, in the window', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let browser: Browser
  let simulator: VonageSimulator
  let session: WindowSession | undefined

  before(async () => {
    network = await startTestnet()
    browser = await launchChromium()
    simulator = await VonageSimulator.start()
  })
  afterEach(async () => {
    await session?.close()
    session = undefined
  })
  after(async () => {
    await simulator?.close()
    await browser?.close()
    await network?.testnet.destroy()
  })

  it('a record-mode call with three segments gives three entries grouped as one call', async () => {
    session = await openPeerWindow(network.bootstrap, {
      browser,
      env: { ...simulator.appEnvironment(), JOURNAL_MODE: 'record' },
      prepare: (app) => app.call('saveSettings', { severalRecordings: true, greeting: '' }).then(() => {})
    })
    const { app, journal, page, errors } = session
    await journal.waitShown(app.info.key)

    const webhooks = app.info.localWebhookUrl
    const result = await simulator.placeCall({
      answerUrl: `${webhooks}/answer`,
      eventUrl: `${webhooks}/event`,
      realtime: false,
      dtmf: ['1', '1', ''],
      segmentAudio: [toneAudio(1, 2), toneAudio(2, 2), toneAudio(3, 2)]
    }).done
    assert.equal(result.status, 'completed', result.error)
    assert.equal(result.recordings.length, 3)

    const group = journal.byTestId('entry-call-group')
    await page.locator('[data-testid="entry-call-group"][data-parts="3"]').waitFor({ timeout: 30_000 })
    assert.equal(await group.count(), 1, 'one group')
    assert.equal((await group.getByTestId('entry-call-group-label').textContent())?.trim(), 'One call · 3 recordings')

    // Under the header, the three recordings in the order they were made.
    const entries = await app.call<EntryDto[]>('listEntries')
    const paths = result.recordings.map((recording) => entries.find((entry) => entry.path.endsWith(`/${recording.recordingUuid}.mp3`))!.path)
    assert.deepEqual(await journal.rowPaths(), paths)
    for (const [i, path] of paths.entries()) {
      const row = journal.row(path)
      assert.equal(await row.getAttribute('data-part'), String(i + 1))
      assert.equal((await row.getByTestId('entry-part').textContent())?.trim(), `Part ${i + 1} of 3`)
    }
    const headerBox = (await group.boundingBox())!
    const firstBox = (await journal.row(paths[0]!).boundingBox())!
    assert.ok(headerBox.y < firstBox.y, 'the header is above its recordings')

    // Each part plays on its own.
    for (const path of paths) {
      const response = await journal.play(path)
      assert.ok([200, 206].includes(response.status()), `audio of ${path}: HTTP ${response.status()}`)
      await waitFor(async () => (await journal.audioSource()).includes(encodeURIComponent(path.split('/').pop()!)) && (await journal.audioTime()) > 0.2, `${path} plays`, 10_000)
    }
    await journal.byTestId('player-toggle').click()

    // The keyboard goes from part to part, past the header.
    await journal.byTestId('entry-list').focus()
    await page.keyboard.press('Home')
    await page.locator(`[data-testid="entry-row"][data-path="${paths[0]}"][aria-selected="true"]`).waitFor()
    await page.keyboard.press('ArrowDown')
    await page.locator(`[data-testid="entry-row"][data-path="${paths[1]}"][aria-selected="true"]`).waitFor()
    await expectAccessible(page, 'one call of three recordings', EVERY_LAYOUT)
    assert.deepEqual(errors, [], 'no console errors')
  })
})
