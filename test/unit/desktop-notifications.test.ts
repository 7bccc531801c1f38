import { strict as assert } from 'node:assert'
import { EventEmitter } from 'node:events'
import { describe, it } from 'node:test'
import type { IntakeStatus, PendingDownload } from '#shared/intake'
import type { AppEvents, EntriesAdded } from '../../src/main/app/app-events'
import { NotificationCenter, type DesktopNotice, type NotificationSwitches } from '../../src/main/desktop/notifications'

const ALL_ON: NotificationSwitches = { notifyCallEntries: true, notifyFailedDownloads: true, notifyFollowedEntries: true }

function setup(initial: IntakeStatus | null = null) {
  const services = new EventEmitter<AppEvents>()
  const shown: DesktopNotice[] = []
  const switches = { ...ALL_ON }
  const center = new NotificationCenter({ services, switches: () => switches, notify: (notice) => shown.push(notice) })
  center.start(initial)
  return { services, shown, switches, center }
}

const added = (change: Partial<EntriesAdded>): EntriesAdded => ({
  journal: 'key1',
  name: 'My journal',
  writable: true,
  source: 'call',
  entries: [{ path: '/recordings/2026/01/abc.mp3' }],
  ...change
})

const download = (recordingUuid: string, state: PendingDownload['state'], attempts = 5): PendingDownload => ({
  recordingUuid,
  state,
  attempts,
  ...(state === 'failed' ? { lastError: 'HTTP 404' } : {})
})
const intake = (...downloads: PendingDownload[]): IntakeStatus => ({ mode: 'record', liveCalls: [], downloads })

describe('notifications', () => {
  it('announces a new entry from a call, by title or file name, and opens its journal on click', () => {
    const { services, shown } = setup()
    services.emit('entries-added', added({ entries: [{ path: '/recordings/2026/01/abc.mp3' }] }))
    services.emit('entries-added', added({ entries: [{ path: '/recordings/2026/01/x.wav', title: 'Monday' }, { path: '/recordings/2026/01/y.wav' }] }))
    assert.deepEqual(shown, [
      { title: 'New entry from a call', body: '“abc.mp3” was added to My journal.', journal: 'key1' },
      { title: '2 new entries from calls', body: 'They were added to My journal.', journal: 'key1' }
    ])
  })

  it("announces a followed journal's new entries, not those replicating into my own journals", () => {
    const { services, shown } = setup()
    services.emit('entries-added', added({ source: 'peer', writable: false, name: 'Grandma', journal: 'key2', entries: [{ path: '/r/a.mp3', title: 'Garden' }] }))
    services.emit('entries-added', added({ source: 'peer', writable: true }))
    services.emit('entries-added', added({ source: 'peer', writable: false, entries: [] }))
    assert.deepEqual(shown, [{ title: 'New in Grandma', body: '“Garden”', journal: 'key2' }])
  })

  it('announces a download once, when it fails after its last retry', () => {
    const { services, shown } = setup(intake())
    services.emit('intake', intake(download('u1', 'retrying', 4)))
    assert.equal(shown.length, 0)
    services.emit('intake', intake(download('u1', 'failed', 5)))
    services.emit('intake', intake(download('u1', 'failed', 5)))
    assert.equal(shown.length, 1)
    assert.equal(shown[0]!.title, 'A call recording could not be downloaded')
    assert.match(shown[0]!.body, /after 5 tries: HTTP 404/)
    // Retried by hand and failed again: that is news again.
    services.emit('intake', intake(download('u1', 'downloading', 6)))
    services.emit('intake', intake(download('u1', 'failed', 6)))
    assert.equal(shown.length, 2)
  })

  it('does not announce downloads that had already failed before this start', () => {
    const { services, shown } = setup(intake(download('old', 'failed')))
    services.emit('intake', intake(download('old', 'failed'), download('new', 'failed', 1)))
    assert.deepEqual(
      shown.map((notice) => notice.body),
      ['Gave up after 1 try: HTTP 404. Open Voice Journal to retry it.']
    )
  })

  it('respects each switch, read at the moment of the event', () => {
    const { services, shown, switches } = setup(intake())
    switches.notifyCallEntries = false
    switches.notifyFollowedEntries = false
    switches.notifyFailedDownloads = false
    services.emit('entries-added', added({}))
    services.emit('entries-added', added({ source: 'peer', writable: false }))
    services.emit('intake', intake(download('u1', 'failed')))
    assert.equal(shown.length, 0)
    switches.notifyFollowedEntries = true
    services.emit('entries-added', added({ source: 'peer', writable: false }))
    assert.equal(shown.length, 1)
  })

  it('stops listening when disposed', () => {
    const { services, shown, center } = setup()
    center.dispose()
    services.emit('entries-added', added({}))
    assert.equal(services.listenerCount('intake') + services.listenerCount('entries-added'), 0)
    assert.equal(shown.length, 0)
  })
})
