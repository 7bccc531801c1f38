import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pino, type Level, type LogFn, type Logger } from 'pino'
import { PinoPretty } from 'pino-pretty'
import { createStream } from 'rotating-file-stream'

/**
 * The app's one logger. Why pino: structured JSON lines (a support request can be answered from
 * the file), levels, cheap when a level is off, and `multistream`, which writes to the rotating
 * file and the console from this thread (no transport worker, which would not load from inside
 * an Electron asar). The console gets one readable line per message; the file gets everything,
 * errors with their stacks.
 */

export const LOG_FILE_NAME = 'voice-journal.log'
/** Rotated by size; a few files of history is enough to answer "what happened yesterday". */
const ROTATE_SIZE = '10M'
const ROTATE_KEEP = 5

export interface LoggingOptions {
  /** Where the rotating log file goes (`<data dir>/logs`); omitted: console only. */
  dir?: string
  /** Debug messages too, and the console shows each message's details (`--verbose`). */
  verbose?: boolean
  /** Console output (default true); tests of the logger turn it off. */
  console?: boolean
}

export interface Log {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
}

let root: Logger = consoleOnly()
let generation = 0
let logFile: string | null = null
let closeFile: (() => Promise<void>) | null = null
/** The same file without the console, for what the console shows in other words (a failed start). */
let fileOnly: Logger | null = null

/** The logs folder inside a data directory. */
export function logDirOf(dataDir: string): string {
  return join(dataDir, 'logs')
}

/** The current log file, or null while logging to the console only. */
export function currentLogFile(): string | null {
  return logFile
}

/**
 * Sets where messages go for the rest of the process. Loggers made with `logger()` before this
 * (module-level ones) follow, because each looks up the current root when it writes.
 */
export function configureLogging(options: LoggingOptions): { file: string | null } {
  const level: Level = options.verbose ? 'debug' : 'info'
  const streams: pino.StreamEntry[] = []
  if (options.console !== false) streams.push({ level, stream: prettyConsole(options.verbose === true) })
  void closeFile?.()
  closeFile = null
  logFile = null
  fileOnly = null
  if (options.dir) {
    mkdirSync(options.dir, { recursive: true })
    const file = createStream(LOG_FILE_NAME, { path: options.dir, size: ROTATE_SIZE, maxFiles: ROTATE_KEEP })
    // A log that cannot be written (disk full) must not take the app down with it.
    file.on('error', () => {})
    streams.push({ level, stream: file })
    logFile = join(options.dir, LOG_FILE_NAME)
    closeFile = () => new Promise<void>((resolve) => file.end(resolve))
    fileOnly = pino({ level, base: { pid: process.pid } }, file)
  }
  root = pino({ level, base: { pid: process.pid } }, pino.multistream(streams))
  generation++
  return { file: logFile }
}

/** Writes out what the file stream still holds; call before the process exits. */
export async function flushLogs(): Promise<void> {
  await closeFile?.()
  closeFile = null
}

/**
 * Records an error in the log file only: for failures the console reports as one plain sentence
 * (see startup-error.ts), so the stack is kept without being shown to the person who ran it.
 */
export function logToFileOnly(component: string, error: unknown, message: string): void {
  fileOnly?.error({ component, err: error }, message)
}

/** A logger for one part of the app; its lines carry `component`. */
export function logger(component: string): Log {
  let cached: { generation: number; log: Logger } | null = null
  const current = (): Logger => {
    if (cached?.generation !== generation) cached = { generation, log: root.child({ component }) }
    return cached.log
  }
  const method =
    (level: Level): LogFn =>
    (...args: unknown[]) =>
      (current()[level] as (...a: unknown[]) => void)(...args)
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') }
}

function consoleOnly(): Logger {
  return pino({ level: 'info', base: { pid: process.pid } }, pino.multistream([{ level: 'info', stream: prettyConsole(false) }]))
}

/** One line per message on stderr (stdout carries the headless host's JSON line). */
function prettyConsole(verbose: boolean): NodeJS.WritableStream {
  return PinoPretty({
    sync: true,
    destination: 2,
    colorize: process.stderr.isTTY === true,
    translateTime: 'HH:MM:ss',
    ignore: 'pid,hostname,component',
    // The cause's message stays on the console line: "cannot list entries: ENOSPC …".
    messageFormat: (line, messageKey) => {
      const cause = (line.err as { message?: unknown } | undefined)?.message
      return `[${String(line.component ?? 'app')}] ${String(line[messageKey])}${typeof cause === 'string' ? `: ${cause}` : ''}`
    },
    // Details (errors with stacks, ids) are in the file; the console shows them with --verbose.
    hideObject: !verbose
  })
}
