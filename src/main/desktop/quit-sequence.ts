import { logger } from '../app/logging'

const log = logger('quit')

/** How long a quit may take before the app exits anyway. */
export const SHUTDOWN_LIMIT_MS = 10_000
/** The log file's last lines must not hold the exit either (a disk that stopped answering). */
const FLUSH_LIMIT_MS = 2_000

export interface QuitSequenceOptions {
  /** Removes what the desktop shell shows (tray, notifications), so nothing new starts meanwhile. */
  stopShell(): void
  /** AppServices.shutdown: webhooks, live calls, imports, the swarm, the journals, the store. */
  shutdown(): Promise<void>
  flushLogs(): Promise<void>
  /** app.exit: ends the process without emitting before-quit again. */
  exit(code: number): void
  limitMs?: number
}

type Outcome = { kind: 'done' } | { kind: 'failed'; error: unknown } | { kind: 'timeout' }

/**
 * The one way the desktop app ends: Quit in the tray or a menu, the system shutting down
 * (powerMonitor 'shutdown' on Linux and macOS), the Windows session ending ('session-end').
 * However many of those arrive, the services are shut down once, and the process exits when
 * they are closed or when the time limit runs out, whichever comes first: a close that stalls
 * (a peer that never answers, a disk that hangs) must not leave a process with no tray and no
 * window that can only be killed. A close cut short is then no worse than a crash, which the
 * next start recovers from (the integration tests SIGKILL the host mid-call and restart it).
 */
export class QuitSequence {
  private running: Promise<void> | null = null

  constructor(private readonly options: QuitSequenceOptions) {}

  get started(): boolean {
    return this.running !== null
  }

  /** Starts the quit (or joins the one under way); `exitCode` is used when everything closed cleanly. */
  run(reason: string, exitCode = 0): Promise<void> {
    this.running ??= this.quit(reason, exitCode)
    return this.running
  }

  private async quit(reason: string, exitCode: number): Promise<void> {
    const limitMs = this.options.limitMs ?? SHUTDOWN_LIMIT_MS
    log.info({ reason }, `shutting down (${reason})`)
    try {
      this.options.stopShell()
    } catch (error) {
      log.error({ err: error }, 'could not remove the tray and notifications; shutting down anyway')
    }
    const outcome = await settleWithin(() => this.options.shutdown(), limitMs)
    if (outcome.kind === 'timeout') log.error({ reason, limitMs }, `shutdown did not finish within ${limitMs / 1000} s; exiting anyway`)
    else if (outcome.kind === 'failed') log.error({ err: outcome.error, reason }, 'shutdown failed; exiting anyway')
    else log.info('shut down cleanly')
    const flushed = await settleWithin(() => this.options.flushLogs(), FLUSH_LIMIT_MS)
    // Reaches the console only: the file is what could not be written.
    if (flushed.kind !== 'done') log.warn('the log file could not be flushed; its last lines may be missing')
    this.options.exit(outcome.kind === 'done' ? exitCode : 1)
  }
}

/** Runs `work` and reports how it ended, giving up waiting after `limitMs`. */
async function settleWithin(work: () => Promise<void>, limitMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), limitMs)
  })
  const settled = Promise.resolve()
    .then(work)
    .then(
      (): Outcome => ({ kind: 'done' }),
      (error: unknown): Outcome => ({ kind: 'failed', error })
    )
  try {
    return await Promise.race([settled, timeout])
  } finally {
    clearTimeout(timer)
  }
}
