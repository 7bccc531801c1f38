import { strict as assert } from 'node:assert'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { LOG_FILE_NAME } from '../../src/main/app/logging'
import { HEADLESS_NODE_ARGS, headlessEnvironment } from '../../scripts/headless-runtime.mjs'
import { HEADLESS_ENTRY, startHeadless } from '../helpers/headless-process'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'

interface Exit {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the built headless host until it exits by itself (a start that fails). */
function runUntilExit(args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...HEADLESS_NODE_ARGS, HEADLESS_ENTRY, '--webhook-port', '0', '--webhook-host', '127.0.0.1', '--ui-port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: headlessEnvironment()
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

/** A stack trace on the console looks like "    at fn (file:line:col)". */
const STACK_FRAME = /^\s+at .+:\d+/m

describe('starting the headless host', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>

  before(async () => {
    network = await startTestnet()
  })

  after(async () => {
    await network?.testnet.destroy()
  })

  it('a corrupt settings.json stops the start with one sentence and where the log is, and the stack goes to the log', async () => {
    const data = await makeTempDir()
    try {
      await writeFile(join(data.dir, 'settings.json'), '{"greeting": "Hello", ')
      const exit = await runUntilExit(['--data', data.dir, '--bootstrap', network.bootstrap])
      assert.equal(exit.code, 1)
      assert.equal(exit.stdout, '', 'no address line for an app that did not start')
      const logFile = join(data.dir, 'logs', LOG_FILE_NAME)
      const lines = exit.stderr.trim().split('\n')
      assert.equal(lines.length, 2, exit.stderr)
      assert.match(lines[0]!, /^Voice Journal could not start: .*settings\.json/)
      assert.equal(lines[1], `Details are in the log: ${logFile}`)
      assert.doesNotMatch(exit.stderr, STACK_FRAME)
      const log = await readFile(logFile, 'utf8')
      assert.match(log, /settings\.json/)
      assert.match(log, /"stack":/, 'the details, stack included, are in the log')
    } finally {
      await data.cleanup()
    }
  })

  it('a second host on the same data directory says another Voice Journal is using it, and the first keeps running', async () => {
    const data = await makeTempDir()
    const first = await startHeadless(data.dir, ['--bootstrap', network.bootstrap])
    try {
      const exit = await runUntilExit(['--data', data.dir, '--bootstrap', network.bootstrap])
      assert.equal(exit.code, 1)
      assert.match(exit.stderr, /^Another Voice Journal is already using this data directory\./)
      assert.doesNotMatch(exit.stderr, STACK_FRAME)
      const status = await first.call<{ key: string }>('getStatus')
      assert.equal(status.key, first.info.key)
    } finally {
      await first.stop()
      await data.cleanup()
    }
  })

  it('writes its log in the data directory, names it in its address line, and adds debug lines only with --verbose', async () => {
    const quiet = await makeTempDir()
    const verbose = await makeTempDir()
    try {
      const levelsIn = async (dir: string, args: string[]): Promise<Set<number>> => {
        const app = await startHeadless(dir, ['--bootstrap', network.bootstrap, ...args])
        const logFile = join(dir, 'logs', LOG_FILE_NAME)
        assert.equal(app.info.logFile, logFile)
        assert.equal(await app.stop(), 0)
        assert.ok(existsSync(logFile))
        const entries = (await readFile(logFile, 'utf8'))
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { level: number; component?: string; msg: string })
        assert.ok(entries.every((entry) => typeof entry.component === 'string' && entry.msg.length > 0), 'every line names its component')
        return new Set(entries.map((entry) => entry.level))
      }
      const DEBUG = 20
      assert.ok(!(await levelsIn(quiet.dir, [])).has(DEBUG), 'no debug lines by default')
      assert.ok((await levelsIn(verbose.dir, ['--verbose'])).has(DEBUG), 'debug lines with --verbose')
    } finally {
      await quiet.cleanup()
      await verbose.cleanup()
    }
  })
})
