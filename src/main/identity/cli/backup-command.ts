/**
 * `npm run backup -- --data DIR --out FILE`: seals what it takes to write the journals of DIR
 * again into FILE. Run with tsx, not built: it needs no `electron-vite build`, so it works on a
 * fresh clone right after `npm install` and can never run a stale build of the app.
 */
import { resolve } from 'node:path'
import { defaultDataDir } from '../../app/data-dir'
import { ownJournals } from '../backup-content'
import { writeBackupFile } from '../backup-file'
import { readIdentity } from '../identity-reader'
import { readPassphrase, PASSPHRASE_VARIABLE } from './passphrase-prompt'
import { required, runCommand } from './run-command'

const USAGE = `Usage: npm run backup -- [--data DIR] --out FILE
  --data DIR   the data directory to back up (default: ${defaultDataDir()}); the app may be running on it
  --out FILE   the backup file to write (never replaces an existing file)
The passphrase is asked for twice, or read from ${PASSPHRASE_VARIABLE}.`

runCommand(USAGE, { data: { type: 'string' }, out: { type: 'string' } }, async (values) => {
  const dataDir = resolve(typeof values.data === 'string' ? values.data : defaultDataDir())
  const out = resolve(required(values, 'out', USAGE))
  // Read first: a directory with nothing to back up is said before anyone types a passphrase.
  const content = await readIdentity(dataDir)
  await writeBackupFile(out, content, await readPassphrase({ confirm: true }))
  const own = ownJournals(content)
  const followed = content.journals.length - own.length
  return [
    `Backed up ${count(own.length, 'journal')} of your own (${own.map((journal) => journal.name).join(', ')}) and ${count(followed, 'journal')} you follow to ${out}.`,
    'It holds the keys that write your journals, not their audio (their peers keep that). Keep it and its passphrase apart.'
  ].join('\n')
})

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
