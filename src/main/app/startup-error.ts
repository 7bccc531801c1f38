import { DataFileError } from '../storage/json-file'
import { SettingsError } from './settings'

/**
 * Turns a failed start into one sentence a person can act on; the error itself, with its stack,
 * goes to the log. Both entries print (or, in Electron, show) this sentence and where the log is.
 */
export function describeStartupError(error: unknown): string {
  const err = error as NodeJS.ErrnoException | null
  const message = err?.message ?? String(error)
  if (err?.code === 'EADDRINUSE') return `A port is already in use (${message}). Pick another with --webhook-port / --ui-port, or 0 for any free port.`
  if (isLockError(message)) return 'Another Voice Journal is already using this data directory. Close it, or pass another --data directory.'
  if (error instanceof DataFileError) return `Voice Journal could not start: ${message}.`
  if (error instanceof SettingsError) return `Voice Journal could not start because of a setting: ${message}.`
  if (err?.code === 'EACCES' || err?.code === 'EPERM' || err?.code === 'EROFS') {
    return `Voice Journal cannot write to its data directory (${err.code}${err.path ? ` on ${err.path}` : ''}). Check its permissions, or pass another --data directory.`
  }
  if (err?.code === 'ENOSPC') return 'The disk holding the data directory is full. Free some space and start Voice Journal again.'
  return `Voice Journal could not start: ${firstLine(message)}.`
}

/** The sentence and, when there is one, where the details were written. */
export function startupFailureText(error: unknown, logFile: string | null): string {
  const sentence = describeStartupError(error)
  return logFile ? `${sentence}\nDetails are in the log: ${logFile}` : sentence
}

/** RocksDB (under Corestore) reports a held lock as "… LOCK: Resource temporarily unavailable" or "… lock … already held". */
function isLockError(message: string): boolean {
  return /lock/i.test(message) && /LOCK|already|resource temporarily unavailable/i.test(message)
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/[.\s]+$/, '')
}
