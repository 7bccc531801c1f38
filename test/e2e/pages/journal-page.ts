import type { Locator, Page, Response } from 'playwright'

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

  async addFiles(files: string[]): Promise<void> {
    await this.byTestId('import-input').setInputFiles(files)
  }

  /** Clicks play on an entry and returns the first audio response the player gets. */
  async play(path: string): Promise<Response> {
    const response = this.page.waitForResponse((r) => r.url().includes('/audio/'))
    await this.row(path).getByTestId('entry-play').click()
    return response
  }

  audioTime(): Promise<number> {
    return this.page.evaluate(() => (document.getElementById('player-audio') as HTMLAudioElement).currentTime)
  }

  async seekTo(seconds: number): Promise<void> {
    await this.byTestId('player-seek').fill(String(seconds))
  }
}
