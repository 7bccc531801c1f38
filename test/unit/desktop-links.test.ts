import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { ApiError } from '#shared/api'
import { KEY_HELP, parseJournalLink } from '#shared/journal-key'
import { LinkRouter, linkRegistration, linksInArgv, type LinkRegistrationHost, type OpenTarget } from '../../src/main/desktop/hyper-links'

const KEY = 'i46rd8dei13gtxg5pexc4s56xbrk6az6zzkdx5b9te7zmwsbiobo'

/** What AppServices.openLink promises: the parsed journal, or bad-request with KEY_HELP. */
async function openLink(link: string): Promise<OpenTarget> {
  const parsed = parseJournalLink(link)
  if (!parsed) throw new ApiError('bad-request', KEY_HELP)
  return parsed.version === undefined ? { journal: parsed.key } : { journal: parsed.key, version: parsed.version }
}

function router() {
  const shown: OpenTarget[] = []
  const reports: string[] = []
  const links = new LinkRouter()
  const attach = (open = openLink): void => links.attach({ openLink: open, show: (target) => shown.push(target), report: (message) => reports.push(message) })
  return { links, shown, reports, attach }
}

describe('hyper:// links', () => {
  it('finds links among the arguments a launch or a second instance receives', () => {
    // Windows: the exe, Chromium switches the single-instance lock adds, then the link.
    const windows = ['C:\\Program Files\\Voice Journal\\Voice Journal.exe', '--allow-file-access-from-files', `HYPER://${KEY}+3/`]
    assert.deepEqual(linksInArgv(windows), [`HYPER://${KEY}+3/`])
    // Development: electron . <link>; the app path and flags are never links.
    assert.deepEqual(linksInArgv(['/usr/bin/electron', '.', '--hidden', `hyper://${KEY}/`]), [`hyper://${KEY}/`])
    assert.deepEqual(linksInArgv(['/opt/voice-journal', 'https://example.com', KEY, 'hyper:/one-slash']), [])
    // A private journal's link keeps its read key (the fragment) all the way to the library.
    const privateLink = `hyper://${KEY}/#encryptionKey=${KEY.split('').reverse().join('')}`
    assert.deepEqual(linksInArgv(['/opt/voice-journal', privateLink]), [privateLink])
    assert.equal(parseJournalLink(linksInArgv([privateLink])[0]!)?.encryptionKey, KEY.split('').reverse().join(''))
  })

  it('registers the packaged app itself on Windows and macOS', () => {
    const packaged = (platform: NodeJS.Platform): LinkRegistrationHost => ({ platform, packaged: true, execPath: '/opt/vj/voice-journal', appPath: '/opt/vj/resources/app.asar', env: {} })
    assert.deepEqual(linkRegistration(packaged('win32')), ['hyper'])
    assert.deepEqual(linkRegistration(packaged('darwin')), ['hyper'])
  })

  it('never registers at run time on Linux, where the installed .desktop file is the handler', () => {
    for (const packaged of [true, false]) {
      const host: LinkRegistrationHost = { platform: 'linux', packaged, execPath: '/opt/vj/voice-journal', appPath: '/home/me/vj', env: { VOICE_JOURNAL_REGISTER_LINKS: '1' } }
      assert.equal(linkRegistration(host), null, packaged ? 'packaged' : 'development')
    }
  })

  it('leaves the system alone in development and tests unless asked, then names the app folder, not argv[1]', () => {
    // Playwright launches `electron --no-sandbox --inspect=0 --remote-debugging-port=0 .`: argv[1] is a switch.
    const dev: LinkRegistrationHost = { platform: 'win32', packaged: false, execPath: 'C:\\x\\electron.exe', appPath: 'C:\\src\\voice-journal', env: {} }
    assert.equal(linkRegistration(dev), null)
    assert.deepEqual(linkRegistration({ ...dev, env: { VOICE_JOURNAL_REGISTER_LINKS: '1' } }), ['hyper', 'C:\\x\\electron.exe', ['C:\\src\\voice-journal']])
    assert.equal(linkRegistration({ ...dev, env: { VOICE_JOURNAL_REGISTER_LINKS: 'yes' } }), null)
  })

  it('keeps links that arrive before the services are up and opens them in order', async () => {
    const { links, shown, attach } = router()
    links.receive(`hyper://${KEY}/`)
    links.receive(`hyper://${KEY}+12/`)
    assert.equal(shown.length, 0)
    attach()
    await links.settled()
    assert.deepEqual(shown, [{ journal: KEY }, { journal: KEY, version: 12 }])
  })

  it('reports a bad link with the key help, and goes on with the next one', async () => {
    const { links, shown, reports, attach } = router()
    attach()
    links.receive('hyper://not-a-key/')
    links.receive(`hyper://${KEY}/`)
    await links.settled()
    assert.equal(reports.length, 1)
    assert.match(reports[0]!, /^Voice Journal could not open hyper:\/\/not-a-key\//)
    assert.ok(reports[0]!.includes(KEY_HELP))
    assert.deepEqual(shown, [{ journal: KEY }])
  })

  it('shows at most 80 characters of a link it cannot open (links come from anywhere)', async () => {
    const { links, reports, attach } = router()
    attach()
    links.receive(`hyper://${'x'.repeat(5000)}`)
    await links.settled()
    const firstLine = reports[0]!.split('\n')[0]!
    assert.ok(firstLine.length < 120, firstLine)
    assert.ok(firstLine.endsWith('…'))
  })

  it('opens one link at a time, in the order received', async () => {
    const { links, shown, attach } = router()
    const order: string[] = []
    // The first link is slow to open (a lookup on the network): it waits until the test lets it
    // finish. The second must not start meanwhile, and must still come after it.
    let finishFirst!: () => void
    const firstMayFinish = new Promise<void>((resolve) => (finishFirst = resolve))
    attach(async (link) => {
      order.push(`start ${link.slice(-3)}`)
      if (link.endsWith('+1/')) await firstMayFinish
      order.push(`end ${link.slice(-3)}`)
      return openLink(link)
    })
    links.receive(`hyper://${KEY}+1/`)
    links.receive(`hyper://${KEY}+2/`)
    // Everything already queued (timers and I/O included) runs before this; a second open that
    // did not wait its turn would have started.
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(order, ['start +1/'])
    finishFirst()
    await links.settled()
    assert.deepEqual(order, ['start +1/', 'end +1/', 'start +2/', 'end +2/'])
    assert.deepEqual(shown.map((target) => target.version), [1, 2])
  })
})
