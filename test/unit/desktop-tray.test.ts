import { strict as assert } from 'node:assert'
import { EventEmitter } from 'node:events'
import { describe, it } from 'node:test'
import type { HeldElsewhere, LibraryItem, SeedingProgress } from '#shared/dto'
import type { AppEvents } from '../../src/main/app/app-events'
import { TrayController, type TrayPort } from '../../src/main/desktop/tray-controller'
import { summarizeLibrary, trayMenuTemplate, trayToolTip, type TrayMenuItem } from '../../src/main/desktop/tray-menu'
import { heldLabel, timeAgo } from '../../src/main/desktop/tray-held'
import { waitFor } from '../helpers/wait-for'

function item(key: string, peers: number, seeding: Partial<SeedingProgress> = {}): LibraryItem {
  return {
    key,
    link: `hyper://${key}/`,
    private: false,
    readable: true,
    name: key,
    kind: 'followed',
    writable: false,
    active: false,
    peers,
    version: 1,
    lookingForPeers: false,
    seeding: { state: 'seeding', bytesDownloaded: 100, bytesTotal: 100, bytesPerSecond: 0, complete: true, ...seeding },
    provenance: null,
    addedAt: 0,
    heldElsewhere: null
  }
}

/** One of our own journals, as the library lists it. */
function own(key: string, peers: number, heldElsewhere: HeldElsewhere): LibraryItem {
  return { ...item(key, peers, { state: 'off' }), kind: 'own', writable: true, heldElsewhere }
}

const labels = (menu: TrayMenuItem[]): string[] => menu.filter((entry) => entry.label).map((entry) => entry.label!)
const noop = { open() {}, pauseAll() {}, resumeAll() {}, quit() {} }

describe('tray menu', () => {
  it('shows the peers and how many journals seed, download or are paused', () => {
    const library = [
      item('own', 2),
      item('a', 3, { complete: false, bytesDownloaded: 25, bytesTotal: 100 }),
      item('b', 0, { complete: false, bytesDownloaded: 25, bytesTotal: 100 }),
      item('c', 1, { state: 'paused', complete: false }),
      item('d', 0, { state: 'off', complete: false })
    ]
    const menu = trayMenuTemplate(summarizeLibrary(library), noop)
    assert.deepEqual(labels(menu), [
      '6 peers connected',
      'Seeding 3 of 5 journals · 1 paused',
      'Downloading 2 journals · 25%',
      'Open Voice Journal',
      'Pause all seeding',
      'Resume all seeding',
      'Quit Voice Journal'
    ])
    // The status lines are information, not buttons.
    assert.ok(menu.filter((entry) => ['peers', 'seeding', 'downloading'].includes(entry.id ?? '')).every((entry) => entry.enabled === false))
  })

  it('offers only what applies: resume when all is paused, neither when nothing seeds', () => {
    const paused = labels(trayMenuTemplate(summarizeLibrary([item('a', 1, { state: 'paused' })]), noop))
    assert.deepEqual(paused.slice(0, 2), ['1 peer connected', 'Not seeding · 1 paused'])
    assert.ok(paused.includes('Resume all seeding') && !paused.includes('Pause all seeding'))
    const empty = labels(trayMenuTemplate(summarizeLibrary([]), noop))
    assert.deepEqual(empty, ['No peers connected', 'No journals', 'Open Voice Journal', 'Quit Voice Journal'])
  })

  it('wires each action to its item', () => {
    const calls: string[] = []
    const actions = { open: () => calls.push('open'), pauseAll: () => calls.push('pause'), resumeAll: () => calls.push('resume'), quit: () => calls.push('quit') }
    const menu = trayMenuTemplate(summarizeLibrary([item('a', 0), item('b', 0, { state: 'paused' })]), actions)
    for (const id of ['open', 'pause-all', 'resume-all', 'quit']) menu.find((entry) => entry.id === id)!.click!()
    assert.deepEqual(calls, ['open', 'pause', 'resume', 'quit'])
  })
})

describe('tray: who else holds my journals', () => {
  const NOW = Date.parse('2026-05-01T12:00:00Z')
  const minutesAgo = (m: number): number => NOW - m * 60_000
  const ago = (at: number): string => timeAgo(at, NOW)

  it('says "only on this computer" until someone holds the latest version, then on how many devices, and in the tool tip since when', () => {
    const alone = summarizeLibrary([own('mine', 0, { peers: 0, latestSince: null })])
    assert.equal(labels(trayMenuTemplate(alone, noop))[0], 'Only on this computer')
    assert.equal(trayToolTip(alone, ago), 'Voice Journal — only on this computer, not seeding, no peers connected')

    const safe = summarizeLibrary([own('mine', 2, { peers: 2, latestSince: minutesAgo(3) }), item('theirs', 1)])
    const menu = trayMenuTemplate(safe, noop)
    assert.equal(labels(menu)[0], 'Safe on 2 other devices', 'no ageing time in the menu')
    assert.equal(menu.find((entry) => entry.id === 'held')?.enabled, false, 'information, not a button')
    assert.equal(trayToolTip(safe, ago), 'Voice Journal — safe on 2 other devices · last change copied 3 minutes ago, seeding 1 of 2 journals, 3 peers connected')

    const one = summarizeLibrary([own('mine', 1, { peers: 1, latestSince: NOW - 5_000 })])
    assert.match(trayToolTip(one, ago), /^Voice Journal — safe on 1 other device · last change copied a few seconds ago,/)
    const gone = summarizeLibrary([own('mine', 0, { peers: 0, latestSince: minutesAgo(90) })])
    assert.match(trayToolTip(gone, ago), /^Voice Journal — no other device online · last change copied 2 hours ago,/)
  })

  it('sums up several journals by the least safe one, and leaves the line out without journals of mine', () => {
    const since = minutesAgo(10)
    assert.equal(heldLabel([{ peers: 1, latestSince: since }, { peers: 0, latestSince: null }, { peers: 0, latestSince: since }]), '1 of 3 journals only on this computer')
    assert.equal(heldLabel([{ peers: 1, latestSince: since }, { peers: 0, latestSince: since }]), '1 of 2 journals: no other device online')
    assert.equal(heldLabel([{ peers: 3, latestSince: minutesAgo(50) }, { peers: 1, latestSince: since }], ago), 'All 2 journals safe on other devices · last change copied 10 minutes ago')
    assert.deepEqual(labels(trayMenuTemplate(summarizeLibrary([item('theirs', 1)]), noop)).slice(0, 2), ['1 peer connected', 'Seeding 1 of 1 journal'])
  })

  it('writes times as the window does', () => {
    assert.deepEqual(
      [NOW + 2_000, NOW - 44_000, minutesAgo(1), minutesAgo(44), minutesAgo(45), minutesAgo(60 * 21), minutesAgo(60 * 22), minutesAgo(60 * 24 * 3)].map(ago),
      ['a few seconds ago', 'a few seconds ago', '1 minute ago', '44 minutes ago', '1 hour ago', '21 hours ago', 'yesterday', '3 days ago']
    )
  })
})

/** Stands in for Electron's Tray: records what the controller set. */
class RecordingTray implements TrayPort {
  menus: TrayMenuItem[][] = []
  toolTips: string[] = []
  destroyed = false
  setMenu(template: TrayMenuItem[]): void {
    this.menus.push(template)
  }
  setToolTip(text: string): void {
    this.toolTips.push(text)
  }
  destroy(): void {
    this.destroyed = true
  }
  get last(): TrayMenuItem[] {
    return this.menus.at(-1) ?? []
  }
}

class FakeServices extends EventEmitter<AppEvents> {
  library: LibraryItem[] = [item('a', 1), item('b', 2)]
  calls: string[] = []
  failPause = false
  api = { listLibrary: async () => this.library }
  async pauseAllSeeding(): Promise<void> {
    this.calls.push('pause')
    if (this.failPause) throw new Error('disk full')
    this.library = this.library.map((entry) => ({ ...entry, seeding: { ...entry.seeding, state: 'paused' as const } }))
    this.emit('library', this.library)
  }
  async resumeAllSeeding(): Promise<void> {
    this.calls.push('resume')
  }
}

function controller(services: FakeServices, tray = new RecordingTray()) {
  const errors: string[] = []
  const opened: string[] = []
  const ctl = new TrayController({ tray, services, open: () => opened.push('open'), quit: () => opened.push('quit'), onError: (message) => errors.push(message) })
  return { ctl, tray, errors, opened }
}

describe('tray controller', () => {
  it('follows the library: first read, then every change that alters a line', async () => {
    const services = new FakeServices()
    const { ctl, tray } = controller(services)
    await ctl.start()
    assert.equal(labels(tray.last)[0], '3 peers connected')
    assert.match(tray.toolTips.at(-1)!, /seeding 2 of 2 journals, 3 peers connected/)
    const count = tray.menus.length

    // Progress ticks that change no label do not rebuild the menu (it would close under the pointer).
    services.emit('library', services.library.map((entry) => ({ ...entry, seeding: { ...entry.seeding, bytesPerSecond: 5 } })))
    assert.equal(tray.menus.length, count)

    services.emit('library', [...services.library, item('c', 4)])
    assert.equal(tray.menus.length, count + 1)
    assert.deepEqual(labels(tray.last).slice(0, 2), ['7 peers connected', 'Seeding 3 of 3 journals'])
  })

  it('pauses all through the services and redraws from the resulting library event', async () => {
    const services = new FakeServices()
    const { ctl, tray } = controller(services)
    await ctl.start()
    tray.last.find((entry) => entry.id === 'pause-all')!.click!()
    await waitFor(() => labels(tray.last).includes('Resume all seeding'), 'the menu offers resume')
    assert.deepEqual(services.calls, ['pause'])
    assert.equal(labels(tray.last)[1], 'Not seeding · 2 paused')
  })

  it('reports a failed pause instead of dropping it', async () => {
    const services = new FakeServices()
    services.failPause = true
    const { ctl, tray, errors } = controller(services)
    await ctl.start()
    tray.last.find((entry) => entry.id === 'pause-all')!.click!()
    await waitFor(() => errors.length > 0, 'the error is reported')
    assert.deepEqual(errors, ['Could not pause seeding'])
  })

  it('redraws the tool tip as the last copy ages, without rebuilding the menu', async () => {
    const services = new FakeServices()
    const copiedAt = Date.parse('2026-05-01T12:00:00Z')
    let now = copiedAt + 60_000
    services.library = [own('mine', 1, { peers: 1, latestSince: copiedAt })]
    const tray = new RecordingTray()
    const ctl = new TrayController({ tray, services, open() {}, quit() {}, onError() {} }, () => now)
    await ctl.start()
    assert.match(tray.toolTips.at(-1)!, /last change copied 1 minute ago/)
    const menus = tray.menus.length
    now += 4 * 60_000
    ctl.render(services.library)
    assert.match(tray.toolTips.at(-1)!, /last change copied 5 minutes ago/)
    assert.equal(tray.menus.length, menus)
    ctl.dispose()
  })

  it('stops listening and removes the icon when disposed', async () => {
    const services = new FakeServices()
    const { ctl, tray } = controller(services)
    await ctl.start()
    ctl.dispose()
    assert.equal(tray.destroyed, true)
    assert.equal(services.listenerCount('library'), 0)
    const count = tray.menus.length
    services.emit('library', [])
    assert.equal(tray.menus.length, count)
  })

  it('still offers Open and Quit when the library cannot be read', async () => {
    const services = new FakeServices()
    services.api.listLibrary = async () => {
      throw new Error('store closed')
    }
    const { ctl, tray, errors } = controller(services)
    await ctl.start()
    assert.deepEqual(errors, ['Could not read the library for the tray'])
    assert.ok(labels(tray.last).includes('Open Voice Journal') && labels(tray.last).includes('Quit Voice Journal'))
  })
})
