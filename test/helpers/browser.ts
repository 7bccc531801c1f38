import { chromium, type Browser, type Page } from 'playwright'

/** Debian's Chromium (Playwright's own browser download cannot run on these machines). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface ChromiumOptions {
  /** More command-line switches, e.g. a fake microphone (see fakeMicrophoneArgs). */
  args?: string[]
}

export function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Without the networking flags Chromium keeps dialling Google's services, which this
    // closed network refuses; the autoplay flag only matters for programmatic play().
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required', ...(options.args ?? [])]
  })
}

/**
 * A microphone that plays `wavFile` (16-bit PCM; Chromium loops it) and is allowed without asking,
 * as a person who clicked "Allow" would.
 */
export function fakeMicrophoneArgs(wavFile: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wavFile}`]
}

/** Collects console errors and uncaught exceptions, the things a user never sees but should not happen. */
export function recordPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  return errors
}
