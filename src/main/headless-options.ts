import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { KEY_HELP, parseJournalLink } from '#shared/journal-key'
import { defaultDataDir } from './app/data-dir'
import { parseBootstrap, type BootstrapNode } from './network/bootstrap'

export interface HeadlessOptions {
  dataDir: string
  webhookPort: number
  webhookHost: string
  uiPort: number
  bootstrap?: BootstrapNode[]
  /** Journals to follow and seed (`--seed KEY`, repeatable). */
  seed: string[]
  /** Journals whose entries the active journal collects (`--collect-from LINK`, repeatable): an always-on host's calls. */
  collectFrom: string[]
  /** Entries of the active journal older than this many days are deleted and erased (`--keep-days N`, a host's retention). */
  keepDays?: number
  /** Journals to publish on the public listener: web page, podcast feed, audio (`--publish KEY`, repeatable). */
  publish: string[]
  /** A hyper:// link given on the command line: added to the library and shown in the window. */
  link?: string
  /** Debug messages in the log, and details on the console (`--verbose`). */
  verbose: boolean
  /** A new data directory's first journal is public (`--public`), for hosts that publish to everyone. */
  firstJournal: 'private' | 'public'
}

export const HEADLESS_USAGE = `Usage: npm run serve -- [options]
  --data DIR            data directory (default: ${defaultDataDir()})
  --webhook-port N      public webhook port (default 3000; 0 picks a free one)
  --webhook-host HOST   address the webhook listener binds (default 0.0.0.0)
  --ui-port N           local window port on 127.0.0.1 (default 7350; 0 picks a free one)
  --bootstrap H:P,…     DHT bootstrap nodes (all loopback = a local network on this machine)
  --seed KEY            follow and seed this journal (key or hyper:// link, a private one's
                        with its #encryptionKey=…; repeatable)
  --collect-from LINK   the active journal collects every entry of this journal (an always-on
                        host's private link, with its #encryptionKey=…; repeatable)
  --keep-days N         delete the active journal's entries recorded more than N days ago and
                        erase their audio (for a host whose calls a desktop collects)
  --publish KEY         publish this journal on the webhook listener: a web page, a podcast
                        feed and its audio (key or link, a private one's with its
                        #encryptionKey=…; repeatable)
  --public              a new data directory's first journal is public (default: private)
  --verbose             debug messages in the log (DIR/logs), and details on the console
  [hyper://KEY[+N]/]    a journal link to open in the window`

/** Parses the headless command line; throws with a message fit to print on a bad flag. */
export function parseHeadlessOptions(argv: string[]): HeadlessOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      'webhook-port': { type: 'string', default: '3000' },
      'webhook-host': { type: 'string', default: '0.0.0.0' },
      'ui-port': { type: 'string', default: '7350' },
      bootstrap: { type: 'string' },
      seed: { type: 'string', multiple: true },
      'collect-from': { type: 'string', multiple: true },
      'keep-days': { type: 'string' },
      publish: { type: 'string', multiple: true },
      verbose: { type: 'boolean', default: false },
      public: { type: 'boolean', default: false }
    }
  })
  if (positionals.length > 1) throw new Error('Give at most one hyper:// link')
  const seed = values.seed ?? []
  const collectFrom = values['collect-from'] ?? []
  const publish = values.publish ?? []
  for (const key of [...seed, ...collectFrom, ...publish, ...positionals]) {
    if (!parseJournalLink(key)) throw new Error(`Not a journal key or link: ${key}\n${KEY_HELP}`)
  }
  return {
    dataDir: resolve(values.data ?? defaultDataDir()),
    webhookPort: port(values['webhook-port'], '--webhook-port'),
    webhookHost: values['webhook-host'],
    uiPort: port(values['ui-port'], '--ui-port'),
    ...(values.bootstrap ? { bootstrap: parseBootstrap(values.bootstrap) } : {}),
    seed,
    collectFrom,
    ...(values['keep-days'] === undefined ? {} : { keepDays: keepDays(values['keep-days']) }),
    publish,
    verbose: values.verbose,
    firstJournal: values.public ? 'public' : 'private',
    ...(positionals[0] ? { link: positionals[0] } : {})
  }
}

function keepDays(text: string): number {
  const value = Number(text)
  // A whole number of days, at least one: 0 would delete each call as it lands, before anyone collected it.
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) throw new Error('--keep-days must be a whole number of days, 1 or more')
  return value
}

function port(text: string, flag: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${flag} must be a port number from 0 to 65535`)
  return value
}
