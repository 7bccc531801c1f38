/**
 * `npm run restore -- --data NEWDIR --from FILE`: brings a backup's journals back into a data
 * directory that has none. Run with tsx, like the backup command (see there why).
 */
import { resolve } from 'node:path'
import { defaultDataDir } from '../../app/data-dir'
import { readBackupFile } from '../backup-file'
import { checkRestoreTarget, restoreDataDir } from '../restore'
import { readPassphrase, PASSPHRASE_VARIABLE } from './passphrase-prompt'
import { required, runCommand } from './run-command'

const USAGE = `Usage: npm run restore -- [--data DIR] --from FILE
  --data DIR   a new, empty data directory to restore into (default: ${defaultDataDir()});
               one that already has journals is refused
  --from FILE  the backup file
The passphrase is asked for, or read from ${PASSPHRASE_VARIABLE}.`

runCommand(USAGE, { data: { type: 'string' }, from: { type: 'string' } }, async (values) => {
  const dataDir = resolve(typeof values.data === 'string' ? values.data : defaultDataDir())
  const from = resolve(required(values, 'from', USAGE))
  await checkRestoreTarget(dataDir)
  const content = await readBackupFile(from, await readPassphrase({ confirm: false }))
  const summary = await restoreDataDir(dataDir, content)
  return [
    `Restored ${summary.own.length} journal(s) of your own (${summary.own.join(', ')}) and ${summary.followed.length} you follow into ${dataDir}, from the backup of ${content.createdAt}.`,
    'Your own journals are read-only until they have caught up with their peers: start the app on this directory',
    `(npm run serve -- --data ${dataDir}) and keep it online. Calls that arrive meanwhile wait and land once it has.`
  ].join('\n')
})
