import type { Locator, Page } from 'playwright'

/** The recorder as a test drives it: one place that knows its test ids. */
export class RecorderPanel {
  constructor(readonly page: Page) {}

  get dialog(): Locator {
    return this.byTestId('recorder-dialog')
  }

  byTestId(id: string): Locator {
    return this.page.getByTestId(id)
  }

  async open(): Promise<void> {
    await this.byTestId('record-button').click()
    await this.dialog.waitFor()
  }

  async state(): Promise<string> {
    return (await this.byTestId('recorder-state').getAttribute('data-state')) ?? ''
  }

  private async waitState(state: string): Promise<void> {
    await this.page.locator(`[data-testid="recorder-state"][data-state="${state}"]`).waitFor()
  }

  async start(): Promise<void> {
    await this.byTestId('recorder-start').click()
    await this.waitState('recording')
  }

  async pause(): Promise<void> {
    await this.byTestId('recorder-pause').click()
    await this.waitState('paused')
  }

  async resume(): Promise<void> {
    await this.byTestId('recorder-resume').click()
    await this.waitState('recording')
  }

  /** Stops and waits until the recording is an entry (the panel closes). */
  async stop(): Promise<void> {
    await this.byTestId('recorder-stop').click()
    await this.waitSaved()
  }

  async waitSaved(): Promise<void> {
    await this.dialog.waitFor({ state: 'detached', timeout: 30_000 })
  }

  /**
   * Records `recordMs`, pauses for `pauseMs`, records `thenMs` more and stops, all timed inside the
   * page: each step is taken the moment the recorder's own clock (its elapsed display) or, for the
   * pause, the page's clock says so, not after a round trip to the test. Returns the elapsed time
   * shown when the pause began and when it ended.
   */
  async recordPauseRecord(times: { recordMs: number; pauseMs: number; thenMs: number }): Promise<{ elapsedAtPause: number; elapsedAfterPause: number }> {
    // A string, not a function: the test's compiler would wrap named helpers in calls the page lacks.
    return this.page.evaluate(`(async ({ recordMs, pauseMs, thenMs }) => {
      const byId = (id) => document.querySelector('[data-testid="' + id + '"]')
      const elapsed = () => Number(byId('recorder-elapsed').getAttribute('data-ms'))
      const until = async (check) => { while (!check()) await new Promise((resolve) => setTimeout(resolve, 5)) }
      await until(() => elapsed() >= recordMs)
      byId('recorder-pause').click()
      await until(() => byId('recorder-resume'))
      const elapsedAtPause = elapsed()
      const pausedAt = performance.now()
      await until(() => performance.now() - pausedAt >= pauseMs)
      const elapsedAfterPause = elapsed()
      byId('recorder-resume').click()
      await until(() => byId('recorder-pause'))
      await until(() => elapsed() >= elapsedAtPause + thenMs)
      byId('recorder-stop').click()
      return { elapsedAtPause, elapsedAfterPause }
    })(${JSON.stringify(times)})`)
  }

  /** The time recorded, as the panel counts it (paused time left out). */
  async elapsedMs(): Promise<number> {
    return Number(await this.byTestId('recorder-elapsed').getAttribute('data-ms'))
  }

  /** Waits until the panel has counted `ms` of recording: the recorder's own clock, not a sleep. */
  async waitElapsed(ms: number): Promise<void> {
    await this.page.waitForFunction((at) => Number(document.querySelector('[data-testid="recorder-elapsed"]')?.getAttribute('data-ms')) >= at, ms, {
      polling: 50,
      timeout: ms + 20_000
    })
  }

  async level(): Promise<number> {
    return Number(await this.byTestId('recorder-level').getAttribute('aria-valuenow'))
  }
}
