import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, afterEach, before, describe, it } from 'node:test'
import type { EntryDto, LibraryItem } from '#shared/dto'
import { LOG_FILE_NAME } from '../../src/main/app/logging'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'

const PEER_WAIT_MS = 60_000

// A desktop that runs headless (`npm run serve -- --collect-from <link>`) collecting an always-on
// host's journal, and the host's own retention flag, as separate processes on a loopback testnet.
describe('the headless --collect-from and --keep-days flags', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  const cleanups: Array<() => Promise<void>> = []

  before(async () => {
    network = await startTestnet()
  })
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  after(async () => {
    await network?.testnet.destroy()
  })

  async function start(args: string[] = []): Promise<{ app: HeadlessApp; dir: string }> {
    const { dir, cleanup } = await makeTempDir()
    const app = await startHeadless(dir, ['--bootstrap', network.bootstrap, ...args])
    const run = { app, dir }
    cleanups.push(async () => {
      await run.app.stop()
      await cleanup()
    })
    return run
  }

  const pathsOf = async (app: HeadlessApp): Promise<string[]> => (await app.call<EntryDto[]>('listEntries')).map((entry) => entry.path).sort()
  const collectingOf = async (app: HeadlessApp): Promise<LibraryItem['collecting']> => (await app.call<LibraryItem[]>('listLibrary')).find((item) => item.active)?.collecting
  const logOf = async (dir: string): Promise<Array<{ msg: string }>> =>
    (await readFile(join(dir, 'logs', LOG_FILE_NAME), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string })

  it('collects the host’s entries into the active journal, and the same flag at the next start changes nothing', async () => {
    const h = await start(['--keep-days', '30'])
    await h.app.importFile(HELLO_MP3)
    const a = await start(['--collect-from', h.app.info.link])
    await waitFor(async () => (await pathsOf(a.app)).length === 1, 'A holds the host’s entry', PEER_WAIT_MS)
    assert.deepEqual(await pathsOf(a.app), await pathsOf(h.app))
    const [collecting] = (await collectingOf(a.app)) ?? []
    assert.equal(collecting?.from, h.app.info.key)
    assert.ok(!(await readFile(join(a.dir, 'logs', LOG_FILE_NAME), 'utf8')).includes('encryptionKey'), 'the read key is never logged')

    await a.app.stop()
    a.app = await a.app.startAgain()
    await h.app.importFile(HELLO_WAV)
    await waitFor(async () => (await pathsOf(a.app)).length === 2, 'an entry the host adds later arrives', PEER_WAIT_MS)
    assert.deepEqual(await pathsOf(a.app), await pathsOf(h.app), 'each once')
    assert.equal((await collectingOf(a.app))?.length, 1, 'still one source')
    const ledger = (await readFile(join(a.dir, 'collecting.log'), 'utf8')).trim().split('\n')
    assert.equal(ledger.filter((line) => line.includes('"op":"start"')).length, 1, 'collecting started once, not once per start')

    // The host's retention is on from its start: 30 days keep today's entries.
    assert.ok((await logOf(h.dir)).some((line) => /more than 30 days ago are deleted/.test(line.msg)))
    assert.equal((await pathsOf(h.app)).length, 2)
  })
})
