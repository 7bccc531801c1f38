import { strict as assert } from 'node:assert'
import { readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { EntryDto } from '#shared/dto'
import type { Journal } from '../../src/main/journal/journal'
import { JournalStore } from '../../src/main/journal/journal-store'
import { flattenTranscript } from '../../src/main/journal/transcript-file'
import { JournalKeys } from '../../src/main/library/journal-keys'
import { AppServices } from '../../src/main/app/app-services'
import { parseBootstrap } from '../../src/main/network/bootstrap'
import { HELLO_MP3 } from '../helpers/fixtures'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { makeTranscript, writeTranscript } from '../helpers/transcripts'

interface Run {
  store: JournalStore
  journal: Journal
  file: string
}

async function start(dir: string, readKey: Buffer | null = null): Promise<Run> {
  const store = await JournalStore.open(dir)
  const journal = await store.openOwn('default', readKey)
  return { store, journal, file: join(dir, 'entry-lists', `${journal.id}.ndjson`) }
}

async function addEntry(journal: Journal, id: string, sentences: string[] | null, title?: string): Promise<string> {
  const entry = await journal.addAudioFile(HELLO_MP3, { source: 'record', id, madeAt: new Date('2026-03-05T10:00:00Z'), ...(title ? { title } : {}) })
  if (sentences) await writeTranscript(journal, entry.path, makeTranscript(sentences))
  return entry.path
}

async function fill(journal: Journal): Promise<Record<string, string>> {
  return {
    boats: await addEntry(journal, 'boats', ['The boats came into the harbour', 'Gulls were everywhere']),
    garden: await addEntry(journal, 'garden', ['Tomatoes in the garden are ripe'], 'Garden notes'),
    kitchen: await addEntry(journal, 'kitchen', null, 'Kitchen plans'),
    attic: await addEntry(journal, 'attic', null),
    cellar: await addEntry(journal, 'cellar', ['Wine in the cellar'])
  }
}

/** A walk of the index at the current version, past every cache: what the list must equal. */
const walked = (journal: Journal): Promise<EntryDto[]> => journal.listEntries(journal.drive.version)

/** Lists (so the list is made) and writes the list's file, as the debounced write does in the background. */
async function listAndSave(run: Run): Promise<EntryDto[]> {
  const listed = await run.journal.listEntries()
  await run.journal.flushEntryList()
  await stat(run.file)
  return listed
}

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777

/** A data directory with one journal of mine, listed and its list saved, then stopped. */
async function withSavedList(test: (dir: string, paths: Record<string, string>, before: EntryDto[], file: string) => Promise<void>, readKey: Buffer | null = null): Promise<void> {
  const { dir, cleanup } = await makeTempDir('entry-list-')
  try {
    const first = await start(dir, readKey)
    let paths: Record<string, string>
    let before: EntryDto[]
    const { file } = first
    try {
      paths = await fill(first.journal)
      before = await listAndSave(first)
    } finally {
      await first.store.close()
    }
    await test(dir, paths, before, file)
  } finally {
    await cleanup()
  }
}

async function restarted(dir: string, test: (run: Run) => Promise<void>, readKey: Buffer | null = null): Promise<void> {
  const run = await start(dir, readKey)
  try {
    await test(run)
  } finally {
    await run.store.close()
  }
}

describe('my own journal’s entry list kept between runs', () => {
  it('lists the same entries after a restart, from its file, as before it; the file is 0600', async () => {
    await withSavedList(async (dir, _paths, before) => {
      assert.equal(before.length, 5)
      assert.ok(before.some((entry) => entry.hasTranscript && entry.firstSentence === 'The boats came into the harbour'))
      await restarted(dir, async (run) => {
        if (process.platform !== 'win32') assert.equal(await modeOf(run.file), 0o600)
        const after = await run.journal.listEntries()
        assert.equal(run.journal.listStartedFrom, 'file')
        assert.deepEqual(after, before)
        assert.deepEqual(after, await walked(run.journal))
      })
    })
  })

  it('reflects entries added, renamed, deleted and erased, and transcripts added and corrected while stopped', async () => {
    await withSavedList(async (dir, paths) => {
      // The app "stopped": the journal changes in a run that never lists it (so never writes the list).
      const between = await start(dir)
      try {
        const { journal } = between
        await addEntry(journal, 'porch', ['Rain on the porch'], 'Porch')
        await journal.renameEntry(paths.kitchen!, 'Kitchen, done')
        await journal.renameEntry(paths.garden!, '')
        await journal.deleteEntry(paths.attic!)
        await journal.deleteEntry(paths.boats!, { erase: true })
        await writeTranscript(journal, paths.kitchen!, makeTranscript(['Paint the kitchen blue']))
        const corrected = flattenTranscript((await journal.getTranscript(paths.cellar!))!)
        corrected.sentences[0]!.words[0]!.text = 'Beer'
        corrected.sentences[0]!.text = corrected.sentences[0]!.words.map((word) => word.text).join(' ')
        await journal.saveTranscript(paths.cellar!, corrected.sentences)
      } finally {
        await between.store.close()
      }
      await restarted(dir, async (run) => {
        const after = await run.journal.listEntries()
        assert.equal(run.journal.listStartedFrom, 'file')
        assert.deepEqual(after, await walked(run.journal))
        const byId = new Map(after.map((entry) => [entry.path.split('/').pop()!.split('.')[0]!, entry]))
        assert.deepEqual([...byId.keys()].sort(), ['cellar', 'garden', 'kitchen', 'porch'])
        assert.equal(byId.get('kitchen')!.title, 'Kitchen, done')
        assert.equal(byId.get('kitchen')!.firstSentence, 'Paint the kitchen blue')
        assert.equal(byId.get('garden')!.title, undefined)
        assert.equal(byId.get('porch')!.firstSentence, 'Rain on the porch')
        assert.equal(byId.get('cellar')!.firstSentence, 'Beer in the cellar')
        for (const entry of after) assert.equal(entry.blocksDownloaded, entry.blocksTotal)
      })
    })
  })

  it('follows changes within a run through the diff, equal to a walk after each', async () => {
    const { dir, cleanup } = await makeTempDir('entry-list-live-')
    try {
      await restarted(dir, async ({ journal }) => {
        const paths = await fill(journal)
        assert.deepEqual(await journal.listEntries(), await walked(journal))
        await journal.renameEntry(paths.attic!, 'Attic')
        assert.deepEqual(await journal.listEntries(), await walked(journal))
        await journal.deleteEntry(paths.boats!, { erase: true })
        await writeTranscript(journal, paths.attic!, makeTranscript(['Boxes in the attic']))
        const listed = await journal.listEntries()
        assert.deepEqual(listed, await walked(journal))
        assert.equal(listed.find((entry) => entry.path === paths.attic)!.firstSentence, 'Boxes in the attic')
        assert.equal(listed.length, 4)
        assert.equal(journal.listStartedFrom, 'walk')
      })
    } finally {
      await cleanup()
    }
  })

  // A public journal's header is not covered by the hash (a private one's is, by the seal): these
  // files pass every check but the version's, as one from a copy of the store put back would.
  const stale: Record<string, (header: { fork: number; version: number }) => void> = {
    'a version the journal does not have yet': (header) => void (header.version += 5),
    'another fork of the journal': (header) => void (header.fork += 1)
  }
  for (const [which, change] of Object.entries(stale)) {
    it(`walks the journal when its file is of ${which}`, async () => {
      await withSavedList(async (dir, _paths, before, file) => {
        const text = await readFile(file, 'utf8')
        const newline = text.indexOf('\n')
        const header = JSON.parse(text.slice(0, newline)) as { fork: number; version: number }
        change(header)
        await writeFile(file, JSON.stringify(header) + text.slice(newline))
        await restarted(dir, async (run) => {
          assert.deepEqual(await run.journal.listEntries(), before)
          assert.equal(run.journal.listStartedFrom, 'walk')
        })
      })
    })
  }

  it('never trusts a temporary file a crash left half-written', async () => {
    await withSavedList(async (dir, _paths, before, file) => {
      const bytes = await readFile(file)
      await rm(file)
      await writeFile(`${file}.tmp`, bytes.subarray(0, Math.floor(bytes.length / 2)))
      await restarted(dir, async (run) => {
        assert.deepEqual(await run.journal.listEntries(), before)
        assert.equal(run.journal.listStartedFrom, 'walk')
      })
    })
  })

  it('answers lists asked while entries are being added with a list equal to a walk once they are in', async () => {
    const { dir, cleanup } = await makeTempDir('entry-list-busy-')
    try {
      await restarted(dir, async ({ journal }) => {
        await addEntry(journal, 'first', null)
        const adds = Array.from({ length: 8 }, (_, i) => addEntry(journal, `busy-${i}`, i % 2 ? ['Said something'] : null, i % 3 ? `Busy ${i}` : undefined))
        const lists = Array.from({ length: 8 }, () => journal.listEntries())
        await Promise.all([...adds, ...lists])
        const listed = await journal.listEntries()
        assert.equal(listed.length, 9)
        assert.deepEqual(listed, await walked(journal))
      })
    } finally {
      await cleanup()
    }
  })

  const damages: Record<string, (file: string) => Promise<void>> = {
    'cut short': async (file) => truncate(file, (await stat(file)).size - 40),
    'changed in one byte': async (file) => {
      const bytes = await readFile(file)
      const at = bytes.indexOf('Garden notes')
      bytes[at] = 'H'.charCodeAt(0)
      await writeFile(file, bytes)
    },
    'of an older format': async (file) => {
      const text = await readFile(file, 'utf8')
      await writeFile(file, text.replace('"format":1', '"format":0'))
    },
    'another journal’s': async (file) => {
      const text = await readFile(file, 'utf8')
      const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as { journal: string }
      await writeFile(file, text.replace(header.journal, 'y'.repeat(52)))
    },
    'not JSON at all': async (file) => writeFile(file, 'hello\n')
  }
  for (const [damage, spoil] of Object.entries(damages)) {
    it(`walks the journal when its file is ${damage}, and writes a good one`, async () => {
      await withSavedList(async (dir, _paths, before, file) => {
        await spoil(file)
        await restarted(dir, async (run) => {
          const after = await run.journal.listEntries()
          assert.equal(run.journal.listStartedFrom, 'walk')
          assert.deepEqual(after, before)
          await run.journal.flushEntryList()
        })
        await restarted(dir, async (run) => {
          assert.deepEqual(await run.journal.listEntries(), before)
          assert.equal(run.journal.listStartedFrom, 'file')
        })
      })
    })
  }

  it('seals a private journal’s list with its read key: no title or word in the clear, 0600, the same list after a restart', async () => {
    const readKey = JournalKeys.generate()
    await withSavedList(async (dir, _paths, before) => {
      await restarted(
        dir,
        async (run) => {
          const text = await readFile(run.file, 'latin1')
          for (const plain of ['Garden notes', 'Kitchen plans', 'harbour', 'Tomatoes', 'recordings']) assert.ok(!text.includes(plain), `${plain} in the clear`)
          if (process.platform !== 'win32') assert.equal(await modeOf(run.file), 0o600)
          assert.deepEqual(await run.journal.listEntries(), before)
          assert.equal(run.journal.listStartedFrom, 'file')
        },
        readKey
      )
    }, readKey)
  })

  it('refuses a private journal’s sealed list with one byte changed', async () => {
    const readKey = JournalKeys.generate()
    await withSavedList(async (dir, _paths, before, file) => {
      const bytes = await readFile(file)
      bytes[bytes.length - 100]! ^= 1
      await writeFile(file, bytes)
      await restarted(
        dir,
        async (run) => {
          assert.deepEqual(await run.journal.listEntries(), before)
          assert.equal(run.journal.listStartedFrom, 'walk')
        },
        readKey
      )
    }, readKey)
  })
})

describe('an entry list in the app', () => {
  it('is deleted when its journal leaves the library', async () => {
    const { dir, cleanup } = await makeTempDir('entry-list-remove-')
    const { testnet, bootstrap } = await startTestnet()
    try {
      const services = await AppServices.boot({ dataDir: dir, bootstrap: parseBootstrap(bootstrap), env: {} })
      try {
        const item = await services.api.createJournal({ name: 'Diary', private: true })
        const journal = services.library.journal(item.key)
        await addEntry(journal, 'lighthouse', ['The lighthouse keeper waved'])
        assert.equal((await services.api.listEntries({ journal: item.key })).length, 1)
        await journal.flushEntryList()
        const file = join(dir, 'entry-lists', `${journal.id}.ndjson`)
        if (process.platform !== 'win32') assert.equal(await modeOf(file), 0o600)
        await services.api.removeFromLibrary({ journal: item.key, confirmWritable: true })
        await assert.rejects(stat(file), { code: 'ENOENT' })
      } finally {
        await services.shutdown()
      }
    } finally {
      await testnet.destroy()
      await cleanup()
    }
  })
})
