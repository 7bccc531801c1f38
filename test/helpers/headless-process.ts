import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { IMPORT_CHUNK_BYTES } from '#shared/api'
import type { EntryDto } from '#shared/dto'
import { HEADLESS_NODE_ARGS, headlessEnvironment } from '../../scripts/headless-runtime.mjs'

export const HEADLESS_ENTRY = fileURLToPath(new URL('../../out/main/headless.js', import.meta.url))

export interface HeadlessInfo {
  key: string
  /** A private journal's link carries its read key (#encryptionKey=…). */
  link: string
  private: boolean
  webhookUrl: string
  /** The webhooks as reached from this machine (webhookUrl is the public address when one is set). */
  localWebhookUrl: string
  uiUrl: string
  dataDir: string
  /** Where this run's log is written (null when logging to a file failed). */
  logFile: string | null
}

export interface HeadlessApp {
  info: HeadlessInfo
  /** http://127.0.0.1:PORT */
  origin: string
  token: string
  process: ChildProcess
  stderr: () => string
  call<T = unknown>(method: string, args?: unknown): Promise<T>
  importFile(file: string): Promise<EntryDto>
  stop(): Promise<number | null>
  /** SIGKILL: the crash case (no shutdown code runs). */
  kill(): Promise<void>
  /**
   * Another run on the same data directory with the same arguments and environment, once this
   * one has stopped (a peer that went offline coming back). Throws while this one still runs.
   */
  startAgain(): Promise<HeadlessApp>
  /** The bytes of an entry's audio as the window would fetch them. */
  /** An entry's audio from the window's audio route (the active journal unless `journal` names another). */
  audio(path: string, version?: number, journal?: string): Promise<Buffer>
}

/** Starts the built headless host (`out/main/headless.js`) as a separate process, as users run it. */
export async function startHeadless(dataDir: string, extraArgs: string[], env: NodeJS.ProcessEnv = {}): Promise<HeadlessApp> {
  if (!existsSync(HEADLESS_ENTRY)) throw new Error('out/main/headless.js is missing: run `npm run build` first (npm test does).')
  const child = spawn(process.execPath, [...HEADLESS_NODE_ARGS, HEADLESS_ENTRY, '--data', dataDir, '--webhook-port', '0', '--webhook-host', '127.0.0.1', '--ui-port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: headlessEnvironment({ ...process.env, ...env })
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const info = await new Promise<HeadlessInfo>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', (line) => resolve(JSON.parse(line) as HeadlessInfo))
    child.once('exit', (code) => reject(new Error(`headless exited with ${code} before printing its line:\n${stderr}`)))
  })
  const origin = new URL(info.uiUrl).origin
  const token = new URL(info.uiUrl).hash.replace('#token=', '')
  const call = async <T>(method: string, args: unknown = {}): Promise<T> => {
    const response = await fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args)
    })
    const body = (await response.json()) as { result?: T; error?: { message: string } }
    if (!response.ok) throw new Error(`${method}: ${response.status} ${body.error?.message}`)
    return body.result as T
  }
  return {
    info,
    origin,
    token,
    process: child,
    stderr: () => stderr,
    call,
    async importFile(file) {
      const handle = await open(file)
      try {
      const { size } = await handle.stat()
      const { importId } = await call<{ importId: string }>('beginImport', { fileName: basename(file), size })
      const buffer = Buffer.alloc(IMPORT_CHUNK_BYTES)
      for (let offset = 0; offset < size; ) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset)
        const response = await fetch(`${origin}/api/appendImport?importId=${importId}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
          body: buffer.subarray(0, bytesRead)
        })
        if (!response.ok) throw new Error(`appendImport: ${response.status} ${await response.text()}`)
        offset += bytesRead
      }
      return await call<EntryDto>('finishImport', { importId })
      } finally {
        await handle.close()
      }
    },
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      }),
    startAgain() {
      if (child.exitCode === null && child.signalCode === null) return Promise.reject(new Error('startAgain: this run has not stopped (it holds the data directory)'))
      return startHeadless(dataDir, extraArgs, env)
    },
    async audio(path, version, journal = info.key) {
      const query = `token=${token}${version === undefined ? '' : `&version=${version}`}`
      const response = await fetch(`${origin}/audio/${journal}${path}?${query}`)
      if (!response.ok) throw new Error(`audio ${path}: ${response.status}`)
      return Buffer.from(await response.arrayBuffer())
    },
    stop: () =>
      new Promise((resolve) => {
        // Already gone (an exit, or a kill: then exitCode stays null and signalCode is set).
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode)
        child.once('exit', (code) => resolve(code))
        child.kill('SIGTERM')
      })
  }
}
