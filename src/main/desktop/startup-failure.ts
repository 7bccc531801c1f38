import { logger } from '../app/logging'
import { startupFailureText } from '../app/startup-error'

const log = logger('desktop')

export const STARTUP_FAILURE_TITLE = 'Voice Journal could not start'

export interface StartupFailureHost {
  /** currentLogFile(): where the details went, or null while logging to the console only. */
  logFile(): string | null
  /** dialog.showErrorBox: modal, returns once the person has read it. */
  showErrorBox(title: string, content: string): void
  /** Ends the process with this code, closing first whatever had already started. */
  exit(code: number): Promise<void> | void
}

/**
 * A desktop launch has no console: without a dialog, "another Voice Journal is using this data
 * directory" looks like the app did not open at all. The person gets the same plain sentence the
 * headless host prints, and where the log is; the log gets the error with its stack. The dialog
 * comes before the exit, so the process is still there to show it.
 */
export async function reportStartupFailure(error: unknown, host: StartupFailureHost): Promise<void> {
  log.error({ err: error }, 'start failed')
  host.showErrorBox(STARTUP_FAILURE_TITLE, startupFailureText(error, host.logFile()))
  await host.exit(1)
}
