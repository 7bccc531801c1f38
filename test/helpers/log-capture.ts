import { readFile } from 'node:fs/promises'
import { configureLogging, currentLogFile, flushLogs } from '../../src/main/app/logging'
import { makeTempDir } from './temp-dir'

export interface LogLine {
  level: number
  component?: string
  msg: string
  [field: string]: unknown
}

/**
 * Sends this process's log to a file of its own (as the app does), so a test can read what was
 * logged; `close` puts the console-only default back.
 */
export async function captureLog(): Promise<{ lines(): Promise<LogLine[]>; close(): Promise<void> }> {
  const temp = await makeTempDir('log-')
  configureLogging({ dir: temp.dir, console: false })
  const file = currentLogFile()!
  return {
    async lines() {
      await flushLogs()
      const text = await readFile(file, 'utf8').catch(() => '')
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine)
    },
    async close() {
      configureLogging({})
      await temp.cleanup()
    }
  }
}
