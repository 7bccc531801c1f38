/** Turns the usual start-up failures into one sentence a person can act on. */
export function describeStartupError(error: unknown): string {
  const err = error as NodeJS.ErrnoException
  const message = err?.message ?? String(error)
  if (err?.code === 'EADDRINUSE') return `A port is already in use (${message}). Pick another with --webhook-port / --ui-port, or 0 for any free port.`
  if (/lock/i.test(message) && /LOCK|already|resource temporarily unavailable/i.test(message)) {
    return `Another Voice Journal is already using this data directory (${message}). Close it, or pass another --data directory.`
  }
  return `Voice Journal could not start: ${err?.stack ?? message}`
}
