import { logger } from './logging'

const log = logger('lifecycle')

/** How long one service gets to close before the next one is closed anyway. */
const CLOSE_STEP_LIMIT_MS = 5000

interface Closer {
  name: string
  close: () => Promise<unknown> | unknown
  limitMs: number
}

export interface CloseFailure {
  name: string
  error: unknown
}

/**
 * The services a boot has opened, closed in the reverse order. Each close runs in its own guard
 * and time limit, so one service that throws or hangs does not leave the ones under it (the
 * swarm, the Corestore) open; failures are logged and returned, never swallowed. A boot that
 * fails half-way closes exactly what it had opened.
 */
export class ServiceStack {
  private readonly closers: Closer[] = []
  private closing: Promise<CloseFailure[]> | null = null
  /** Debug lines (`--verbose`) say when each service was ready, to tell a slow start's cause. */
  private readonly bootStarted = performance.now()

  constructor(private readonly stepLimitMs = CLOSE_STEP_LIMIT_MS) {}

  /**
   * Registers what closes a service just opened; returns the service. `limitMs` overrides the
   * step's time limit (handing over live calls takes longer than closing a file).
   */
  opened<T>(name: string, service: T, close: (service: T) => Promise<unknown> | unknown, limitMs = this.stepLimitMs): T {
    this.closers.push({ name, close: () => close(service), limitMs })
    log.debug({ service: name, ms: Math.round(performance.now() - this.bootStarted) }, `${name} open`)
    return service
  }

  /** Closes everything once, last opened first; resolves with what failed (also logged). */
  closeAll(): Promise<CloseFailure[]> {
    this.closing ??= this.closeInOrder()
    return this.closing
  }

  private async closeInOrder(): Promise<CloseFailure[]> {
    const failures: CloseFailure[] = []
    for (const { name, close, limitMs } of [...this.closers].reverse()) {
      const started = performance.now()
      try {
        await withinLimit(Promise.resolve().then(close), limitMs, name)
        log.debug({ service: name, ms: Math.round(performance.now() - started) }, `${name} closed`)
      } catch (error) {
        log.error({ err: error, service: name }, `${name} did not close cleanly; closing the rest`)
        failures.push({ name, error })
      }
    }
    return failures
  }
}

async function withinLimit(work: Promise<unknown>, limitMs: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} took more than ${limitMs} ms to close`)), limitMs)
  })
  try {
    await Promise.race([work, limit])
  } finally {
    clearTimeout(timer)
  }
}
