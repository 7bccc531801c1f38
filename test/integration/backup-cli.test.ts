import { strict as assert } from 'node:assert'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { JournalStore } from '../../src/main/journal/journal-store'
import { JournalKeys } from '../../src/main/library/journal-keys'
import { Library } from '../../src/main/library/library'
import { HELLO_MP3 } from '../helpers/fixtures'
import { runIdentityCli, type CliRun } from '../helpers/identity-cli'
import { PipeSwarm } from '../helpers/library-peer'
import { makeTempDir } from '../helpers/temp-dir'

// `npm run backup` and `npm run restore` as a person runs them: child processes on temporary
// data directories, the passphrase from VOICE_JOURNAL_PASSPHRASE.

const PASSPHRASE = 'a long enough passphrase'

const npmRun = (script: 'backup' | 'restore', args: string[], passphrase: string | null = PASSPHRASE): Promise<CliRun> => runIdentityCli(script, args, passphrase)

/** A data directory as the app leaves it: its first (private) journal with one entry, and a second public one, open. */
async function appDataDir(dir: string): Promise<{ journals: JournalStore; library: Library; key: string; second: string; close(): Promise<void> }> {
  const swarm = new PipeSwarm()
  const journals = await JournalStore.open(dir)
  const library = await Library.boot({ dataDir: dir, journals, swarm })
  await library.active.addAudioFile(HELLO_MP3, { source: 'import' })
  const second = await library.create('Work notes', { private: false })
  return {
    journals,
    library,
    key: library.active.id,
    second: second.key,
    async close() {
      await library.close()
      swarm.close()
      await journals.close()
    }
  }
}

describe('npm run backup / npm run restore', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function tempDir(): Promise<string> {
    const { dir, cleanup } = await makeTempDir('backup-cli-')
    cleanups.push(cleanup)
    return dir
  }

  it('backs up a data directory the app is running on, and restores it into a new one with the same writable keys', async () => {
    const source = await tempDir()
    const app = await appDataDir(source)
    cleanups.push(() => app.close())
    const activeLength = app.library.active.drive.core.length
    const out = join(await tempDir(), 'my-journals.vjbackup')

    // The app holds its data directory's lock all along.
    const backup = await npmRun('backup', ['--data', source, '--out', out])
    assert.equal(backup.code, 0, backup.stderr)
    assert.match(backup.stdout, /Backed up 2 journals of your own \(My journal, Work notes\) and 0 journals you follow/)
    if (process.platform !== 'win32') assert.equal((await stat(out)).mode & 0o777, 0o600)

    const target = join(await tempDir(), 'restored')
    const restore = await npmRun('restore', ['--data', target, '--from', out])
    assert.equal(restore.code, 0, restore.stderr)
    assert.match(restore.stdout, /Restored 2 journal\(s\) of your own \(My journal, Work notes\)/)
    assert.match(restore.stdout, /read-only until they have caught up/)

    const restored = JSON.parse(await readFile(join(target, 'restored-journals.json'), 'utf8')) as { journals: Record<string, { lengths: { index: number } }> }
    assert.deepEqual(Object.keys(restored.journals).sort(), [app.key, app.second].sort())
    assert.equal(restored.journals[app.key]!.lengths.index, activeLength)
    const library = JSON.parse(await readFile(join(target, 'library.json'), 'utf8')) as { active: string; journals: Array<{ key: string; name: string; namespace: string }> }
    assert.equal(library.active, app.key)
    assert.deepEqual(library.journals.map(({ key, name, namespace }) => ({ key, name, namespace })), [
      { key: app.key, name: 'My journal', namespace: 'default' },
      { key: app.second, name: 'Work notes', namespace: library.journals[1]!.namespace }
    ])
    const keys = await JournalKeys.load(target)
    assert.deepEqual(keys.get(app.key), (await JournalKeys.load(source)).get(app.key))
    assert.equal(keys.get(app.second), null)

    // The restored store makes the same journals, writable; their audio is not in the backup.
    const journals = await JournalStore.open(target)
    try {
      const own = await journals.openOwn('default', keys.get(app.key))
      assert.equal(own.id, app.key)
      assert.equal(own.writable, true)
      assert.equal(own.drive.core.length, 0)
    } finally {
      await journals.close()
    }
  })

  it('refuses a wrong passphrase, a damaged file and a directory that has journals, writing nothing', async () => {
    const source = await tempDir()
    const app = await appDataDir(source)
    await app.close()
    const out = join(await tempDir(), 'my-journals.vjbackup')
    assert.equal((await npmRun('backup', ['--data', source, '--out', out])).code, 0)

    const target = join(await tempDir(), 'restored')
    const wrong = await npmRun('restore', ['--data', target, '--from', out], 'not the passphrase')
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /That passphrase does not open this backup/)
    await assert.rejects(stat(target), { code: 'ENOENT' })

    const damaged = join(await tempDir(), 'damaged.vjbackup')
    const bytes = await readFile(out)
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff
    await writeFile(damaged, bytes)
    const refused = await npmRun('restore', ['--data', target, '--from', damaged])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /This backup file is damaged \(its content does not match its seal\): nothing was restored/)
    await assert.rejects(stat(target), { code: 'ENOENT' })

    const before = (await readdir(source, { recursive: true })).sort()
    const used = await npmRun('restore', ['--data', source, '--from', out])
    assert.equal(used.code, 1)
    assert.match(used.stderr, /already has journals .*Restore into a new, empty data directory.*Nothing was written/s)
    assert.deepEqual((await readdir(source, { recursive: true })).sort(), before)
  })

  it('says what it needs: a passphrase, a data directory with journals, an unused output file', async () => {
    const source = await tempDir()
    const out = join(await tempDir(), 'my-journals.vjbackup')
    const nothing = await npmRun('backup', ['--data', source, '--out', out])
    assert.equal(nothing.code, 1)
    assert.match(nothing.stderr, /holds no Voice Journal data/)

    const app = await appDataDir(source)
    await app.close()
    const noPassphrase = await npmRun('backup', ['--data', source, '--out', out], null)
    assert.equal(noPassphrase.code, 1)
    assert.match(noPassphrase.stderr, /No passphrase: set VOICE_JOURNAL_PASSPHRASE/)
    const short = await npmRun('backup', ['--data', source, '--out', out], 'short')
    assert.match(short.stderr, /at least 8 characters/)
    await assert.rejects(stat(out), { code: 'ENOENT' })

    await writeFile(out, 'an older backup')
    const exists = await npmRun('backup', ['--data', source, '--out', out])
    assert.equal(exists.code, 1)
    assert.match(exists.stderr, /already exists/)
    assert.equal(await readFile(out, 'utf8'), 'an older backup')

    const usage = await npmRun('restore', ['--data', source])
    assert.equal(usage.code, 2)
    assert.match(usage.stderr, /--from is needed/)
  })
})
