import type { Locator, Page, Response } from 'playwright'

/** How long a step that waits on peers (finding, downloading, forking) may take in a test. */
const PEER_TIMEOUT_MS = 60_000

export interface SeedingView {
  complete: boolean
  bytesDownloaded: number
  bytesTotal: number
}

export interface VersionChangeView {
  change: string
  path: string
}

/** The journal window as a test drives it: one place that knows the test ids. */
export class JournalPage {
  constructor(readonly page: Page) {}

  byTestId(id: string): Locator {
    return this.page.getByTestId(id)
  }

  statusValue(box: 'peers' | 'version' | 'updated' | 'size'): Locator {
    return this.byTestId(`status-${box}`)
  }

  get rows(): Locator {
    return this.byTestId('entry-row')
  }

  row(path: string): Locator {
    return this.page.locator(`[data-testid="entry-row"][data-path="${path}"]`)
  }

  historyRows(type?: 'put' | 'del'): Locator {
    return this.page.locator(type ? `[data-testid="history-row"][data-type="${type}"]` : '[data-testid="history-row"]')
  }

  historyRow(version: number): Locator {
    return this.page.locator(`[data-testid="history-row"][data-version="${version}"]`)
  }

  async addFiles(files: string[]): Promise<void> {
    await this.byTestId('import-input').setInputFiles(files)
  }

  /** The paths listed, top to bottom (newest first). */
  rowPaths(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-path') ?? ''))
  }

  // ── Playback ────────────────────────────────────────────────────────────────────────────────

  /** Clicks play on an entry and returns the first audio response the player gets for it. */
  async play(path: string): Promise<Response> {
    const file = path.split('/').pop() ?? path
    const response = this.page.waitForResponse((r) => r.url().includes('/audio/') && r.url().includes(encodeURIComponent(file)))
    await this.row(path).getByTestId('entry-play').click()
    return response
  }

  playEntry(path: string): Promise<Response> {
    return this.play(path)
  }

  audioTime(): Promise<number> {
    return this.page.evaluate(() => (document.getElementById('player-audio') as HTMLAudioElement).currentTime)
  }

  /** The URL the player is playing (it names the journal, and the version when one is open). */
  audioSource(): Promise<string> {
    return this.page.evaluate(() => (document.getElementById('player-audio') as HTMLAudioElement).currentSrc)
  }

  async seekTo(seconds: number): Promise<void> {
    await this.byTestId('player-seek').fill(String(seconds))
  }

  seek(seconds: number): Promise<void> {
    return this.seekTo(seconds)
  }

  /** Blocks of an entry held here / in total, as its row shows them. */
  async entryBlocks(path: string): Promise<{ downloaded: number; total: number }> {
    const row = this.row(path)
    await row.waitFor()
    const [downloaded, total] = await Promise.all([row.getAttribute('data-blocks-downloaded'), row.getAttribute('data-blocks-total')])
    return { downloaded: Number(downloaded), total: Number(total) }
  }

  // ── Library ─────────────────────────────────────────────────────────────────────────────────

  libraryItem(key: string): Locator {
    return this.page.locator(`[data-testid="library-item"][data-key="${key}"]`)
  }

  get libraryItems(): Locator {
    return this.byTestId('library-item')
  }

  libraryKeys(): Promise<string[]> {
    return this.libraryItems.evaluateAll((items) => items.map((item) => item.getAttribute('data-key') ?? ''))
  }

  /** The key of the journal the window shows. */
  async shownKey(): Promise<string> {
    return ((await this.byTestId('journal-key').textContent()) ?? '').trim()
  }

  /** Types a key or link into the library's field and submits it; resolves once it is accepted or refused. */
  async addJournal(link: string): Promise<void> {
    const input = this.byTestId('library-add-input')
    await input.fill(link)
    await this.byTestId('library-add-submit').click()
    await this.page.waitForFunction(
      () => {
        const field = document.querySelector<HTMLInputElement>('[data-testid="library-add-input"]')
        return field?.value === '' || document.querySelector('[data-testid="library-add-error"]') !== null
      },
      undefined,
      { timeout: PEER_TIMEOUT_MS }
    )
  }

  /** Waits for the message under the field and returns it; the field must still hold what was typed. */
  async expectAddError(): Promise<string> {
    const error = this.byTestId('library-add-error')
    await error.waitFor()
    return ((await error.textContent()) ?? '').trim()
  }

  /** Shows a journal of the library by clicking it, and waits until the window shows it. */
  async selectJournal(key: string): Promise<void> {
    await this.libraryItem(key).click()
    await this.waitShown(key)
  }

  async waitShown(key: string, timeout = PEER_TIMEOUT_MS): Promise<void> {
    await this.page.locator('[data-testid="journal-key"]', { hasText: key }).waitFor({ timeout })
  }

  /** Creates a journal of my own through the New journal dialog; returns its key once shown. */
  async createJournal(name: string): Promise<string> {
    const before = await this.shownKey()
    await this.byTestId('library-new-journal').click()
    await this.byTestId('new-journal-name').fill(name)
    await this.byTestId('new-journal-create').click()
    await this.byTestId('new-journal-dialog').waitFor({ state: 'detached' })
    await this.page.waitForFunction(
      (previous) => document.querySelector('[data-testid="journal-key"]')?.textContent?.trim() !== previous,
      before
    )
    return this.shownKey()
  }

  async makeActive(): Promise<void> {
    await this.byTestId('journal-make-active').click()
    await this.byTestId('journal-active').waitFor()
  }

  // ── Seeding ─────────────────────────────────────────────────────────────────────────────────

  /** Flips the seeding switch of the shown journal and waits until the window shows the new state. */
  async toggleSeeding(): Promise<void> {
    const toggle = this.byTestId('seeding-toggle')
    const before = await toggle.getAttribute('aria-checked')
    await toggle.click()
    const after = before === 'true' ? 'false' : 'true'
    await this.page.locator(`[data-testid="seeding-toggle"][aria-checked="${after}"]`).waitFor()
  }

  async pauseSeeding(): Promise<void> {
    await this.byTestId('seeding-pause').click()
    await this.byTestId('seeding-resume').waitFor()
  }

  async resumeSeeding(): Promise<void> {
    await this.byTestId('seeding-resume').click()
    await this.byTestId('seeding-pause').waitFor()
  }

  async seedingProgress(): Promise<SeedingView> {
    const meter = this.byTestId('seeding-progress')
    const [complete, downloaded, total] = await Promise.all([
      meter.getAttribute('data-complete'),
      meter.getAttribute('data-bytes-downloaded'),
      meter.getAttribute('data-bytes-total')
    ])
    return { complete: complete === 'true', bytesDownloaded: Number(downloaded), bytesTotal: Number(total) }
  }

  async waitSeedingComplete(timeout = PEER_TIMEOUT_MS): Promise<SeedingView> {
    await this.page.locator('[data-testid="seeding-progress"][data-complete="true"]').waitFor({ timeout })
    return this.seedingProgress()
  }

  // ── Forks ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Forks the shown journal through the Fork… dialog, at `version` or the latest; returns the
   * fork's key once the window shows it.
   */
  async fork(options: { version?: number; name: string; makeActive: boolean }): Promise<string> {
    const original = await this.shownKey()
    await this.byTestId('journal-fork').click()
    await this.fillForkDialog(options)
    return this.waitForkShown(original)
  }

  /** Forks from a history row's "Fork from here". */
  async forkFromHistory(version: number, options: { name: string; makeActive: boolean; private?: boolean }): Promise<string> {
    const original = await this.shownKey()
    await this.historyRow(version).getByTestId('history-fork-version').click()
    await this.fillForkDialog(options)
    return this.waitForkShown(original)
  }

  private async fillForkDialog(options: { version?: number; name: string; makeActive: boolean; private?: boolean }): Promise<void> {
    await this.byTestId('fork-dialog').waitFor()
    await this.byTestId('fork-name').fill(options.name)
    if (options.version !== undefined) {
      await this.byTestId('fork-from-version').check()
      await this.byTestId('fork-version-input').fill(String(options.version))
      await this.page.locator(`[data-testid="fork-version"][data-version="${options.version}"]`).waitFor()
    }
    await this.byTestId('fork-make-active').setChecked(options.makeActive)
    if (options.private !== undefined) await this.byTestId('fork-private').setChecked(options.private)
    await this.byTestId('fork-confirm').click()
    await this.byTestId('fork-dialog').waitFor({ state: 'detached', timeout: PEER_TIMEOUT_MS })
  }

  private async waitForkShown(original: string): Promise<string> {
    await this.page.waitForFunction(
      (previous) => document.querySelector('[data-testid="journal-key"]')?.textContent?.trim() !== previous,
      original
    )
    return this.shownKey()
  }

  /** The provenance the fork shows: the key and version it came from. */
  async provenance(): Promise<{ forkedFrom: string; version: number }> {
    const line = this.byTestId('journal-provenance')
    await line.waitFor()
    return { forkedFrom: (await line.getAttribute('data-forked-from')) ?? '', version: Number(await line.getAttribute('data-version')) }
  }

  // ── Removing ────────────────────────────────────────────────────────────────────────────────

  /** Removes a journal through its confirmation(s): one for someone else's, two for one I write. */
  async removeJournal(key: string, options: { writable: boolean }): Promise<void> {
    await this.selectJournal(key)
    await this.byTestId('journal-remove').click()
    await this.byTestId('confirm-remove').click()
    if (options.writable) await this.byTestId('confirm-remove-writable').click()
    await this.libraryItem(key).waitFor({ state: 'detached' })
    await this.byTestId('remove-dialog').waitFor({ state: 'detached' })
  }

  // ── Versions ────────────────────────────────────────────────────────────────────────────────

  async openVersion(version: number): Promise<void> {
    await this.historyRow(version).getByTestId('history-open-version').click()
    await this.page.locator(`[data-testid="version-banner"][data-version="${version}"]`).waitFor()
    await this.page.locator('[data-testid="entry-list"][aria-busy="false"]').waitFor()
  }

  async backToLatest(): Promise<void> {
    await this.byTestId('version-back').click()
    await this.byTestId('version-banner').waitFor({ state: 'detached' })
    await this.page.locator('[data-testid="entry-list"][aria-busy="false"]').waitFor()
  }

  /** Compares the open version with the latest; returns what the window lists. */
  async compareWithLatest(): Promise<VersionChangeView[]> {
    await this.byTestId('version-compare').click()
    await this.page.locator('[data-testid="version-change-row"], [data-testid="version-no-changes"]').first().waitFor()
    return this.byTestId('version-change-row').evaluateAll((rows) =>
      rows.map((row) => ({ change: row.getAttribute('data-change') ?? '', path: row.getAttribute('data-path') ?? '' }))
    )
  }
}
