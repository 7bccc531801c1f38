import { Window } from 'happy-dom'
import { createPinia, setActivePinia, type Pinia, type StoreGeneric } from 'pinia'
import { WebSocket as NodeWebSocket } from 'ws'
import type { LibraryItem } from '#shared/dto'
import { provideApi } from '../../src/renderer/src/api/current'
import { createHttpClient, type HttpClient } from '../../src/renderer/src/api/http-client'
import { startHeadless, type HeadlessApp } from './headless-process'
import { makeTempDir } from './temp-dir'
import { startTestnet } from './testnet'

/**
 * The renderer's stores in Node, talking to a real headless host through the renderer's own HTTP
 * client, as the page the host serves does. The browser they expect is put in place around them:
 * `location` and relative `fetch` against the host's origin, a WebSocket (Node 20 has none; `ws`
 * has the same API), and a document for the player's one <audio> element (happy-dom's, which
 * plays nothing but keeps the element's state and events).
 */
export class StoreHarness {
  private client: HttpClient | null = null
  private stores: StoreGeneric[] = []
  private pinia: Pinia | null = null

  private constructor(
    readonly app: HeadlessApp,
    readonly bootstrap: string,
    private readonly window: Window,
    private readonly teardown: Array<() => Promise<void>>
  ) {}

  /** A host on a testnet of its own (`bootstrap` lets other peers join it). */
  static async start(): Promise<StoreHarness> {
    const network = await startTestnet()
    const data = await makeTempDir()
    // No Vonage account (whatever the shell has), so calls are simulated; no greeting to wait through.
    const app = await startHeadless(data.dir, ['--bootstrap', network.bootstrap], { VONAGE_APPLICATION_ID: '', VONAGE_PRIVATE_KEY: '' })
    await app.call('saveSettings', { greeting: '' })
    const window = new Window({ url: app.origin })
    const restore = installBrowserGlobals(app.origin, window)
    return new StoreHarness(app, network.bootstrap, window, [
      async () => restore(),
      async () => void (await app.stop()),
      () => window.happyDOM.close(),
      () => network.testnet.destroy(),
      () => data.cleanup()
    ])
  }

  /** A fresh Pinia and a fresh client (its own event socket) for one test. */
  beginTest(): void {
    this.endTest()
    this.pinia = createPinia()
    this.pinia.use(({ store }) => void this.stores.push(store))
    setActivePinia(this.pinia)
    this.client = createHttpClient(this.app.token)
    provideApi(this.client)
  }

  /** Closes the test's event socket and its stores' watchers. */
  endTest(): void {
    this.client?.close()
    this.client = null
    for (const store of this.stores.splice(0)) store.$dispose()
  }

  /** A new journal of my own, made active on the host (calls and imports go there); returns its key. */
  async newActiveJournal(name = 'Test journal'): Promise<string> {
    const { key } = await this.app.call<LibraryItem>('createJournal', { name })
    await this.app.call('setActiveJournal', { journal: key })
    return key
  }

  async close(): Promise<void> {
    this.endTest()
    for (const step of this.teardown) await step()
  }
}

/** `ws` with a browser's manners: a failure is an 'error' event (a close follows), never a throw. */
class BrowserWebSocket extends NodeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols)
    this.on('error', () => {})
  }
}

function installBrowserGlobals(origin: string, window: Window): () => void {
  const realFetch = globalThis.fetch
  const saved = new Map(['location', 'fetch', 'WebSocket', 'document', 'HTMLElement'].map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]))
  const define = (name: string, value: unknown): void => void Object.defineProperty(globalThis, name, { value, configurable: true, writable: true })
  define('location', new URL(origin))
  // A page's fetch resolves '/api/…' against its own origin; Node's needs an absolute URL.
  define('fetch', (input: string | URL | Request, init?: RequestInit) => realFetch(typeof input === 'string' ? new URL(input, origin) : input, init))
  define('WebSocket', BrowserWebSocket)
  define('document', window.document)
  define('HTMLElement', window.HTMLElement)
  return () => {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor)
      else delete (globalThis as Record<string, unknown>)[name]
    }
  }
}
