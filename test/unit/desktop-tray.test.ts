import { strict as assert } from 'node:assert'
import { EventEmitter } from 'node:events'
import { describe, it } from 'node:test'
import type { LibraryItem, SeedingProgress } from '#shared/dto'
import type { AppEvents } from '../../src/main/app/app-events'
import { TrayController, type TrayPort } from '../../src/main/desktop/tray-controller'
import { summarizeLibrary, trayMenuTemplate, type TrayMenuItem } from '../../src/main/desktop/tray-menu'
import { waitFor } from '../helpers/wait-for'

function item(key: string, peers: number, seeding: Partial<SeedingProgress> = {}): LibraryItem {
  return {
    key,
    link: `hyper://${key}/`,
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
