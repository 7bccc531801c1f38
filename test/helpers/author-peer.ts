import { readFile } from 'node:fs/promises'
import type { EntryDto, JournalStatus } from '#shared/dto'
import { HELLO_MP3, HELLO_WAV } from './fixtures'
import { startHeadless, type HeadlessApp } from './headless-process'
import { makeTempDir } from './temp-dir'

/** A journal's author as other peers meet it: three entries, the second deleted since `versionBeforeDelete`. */
export interface AuthorPeer {
  app: HeadlessApp
  key: string
  versionBeforeDelete: number
  deleted: EntryDto
  /** Newest first, as the window lists them. */
  kept: EntryDto[]
  /** Each entry's audio as it was imported, by path. */
  original: Map<string, Buffer>
  /** Stops the app and removes its data directory; once, however often it is called. */
  stop(): Promise<void>
}

/**
 * Starts the built headless app on a fresh data directory and writes the author's journal through
 * its API. The journal is public (`--public`): the tests using it follow it by its key alone.
 */
export async function startAuthorPeer(bootstrap: string): Promise<AuthorPeer> {
  const dir = await makeTempDir()
  const app = await startHeadless(dir.dir, ['--bootstrap', bootstrap, '--public'])
  const first = await app.importFile(HELLO_MP3)
  const second = await app.importFile(HELLO_WAV)
  const third = await app.importFile(HELLO_MP3)
  const versionBeforeDelete = (await app.call<JournalStatus>('getStatus')).version
  await app.call('deleteEntry', { path: second.path })
  const original = new Map([
    [first.path, await readFile(HELLO_MP3)],
    [second.path, await readFile(HELLO_WAV)],
    [third.path, await readFile(HELLO_MP3)]
  ])
  let stopped: Promise<void> | null = null
  return {
    app,
    key: app.info.key,
    versionBeforeDelete,
    deleted: second,
    kept: [third, first],
    original,
    stop() {
      stopped ??= app.stop().then(() => dir.cleanup())
      return stopped
    }
  }
}
