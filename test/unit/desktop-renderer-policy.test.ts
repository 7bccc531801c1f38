import { strict as assert } from 'node:assert'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright'
import { AUDIO_SCHEME } from '#shared/bridge'
import { launchChromium } from '../helpers/browser'
import { waitFor } from '../helpers/wait-for'

// The installed app loads out/renderer/index.html from file://, where no response header can
// carry a policy: the page's own <meta> is the whole policy its window enforces. These tests read
// that built page (what electron-builder packs), and load it from file:// in Chromium, the engine
// Electron embeds, to see the policy refuse what it must.
const BUILT_PAGE = join(import.meta.dirname, '..', '..', 'out', 'renderer', 'index.html')
const skip = existsSync(BUILT_PAGE) ? false : 'out/renderer is not built (npm test builds it first; or run npm run build)'

interface PagePolicy {
  /** The policy meta's content, or null without one. */
  policy: string | null
  /** Tag names in <head> before the policy meta (it covers only what comes after it). */
  before: string[]
}

interface Violation {
  directive: string
  blocked: string
}

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) map.set(name.toLowerCase(), sources)
  }
  return map
}

describe('the policy the packaged window enforces (built out/renderer/index.html)', { skip }, () => {
  let browser: Browser
  let page: Page
  let read: PagePolicy

  before(async () => {
    browser = await launchChromium()
    page = await browser.newPage()
    // The app's own bundle cannot load from file:// in a plain browser (Electron allows it); only
    // the policy is under test here, so the page's scripts and styles are not fetched at all.
    await page.route('**/assets/**', (route) => route.abort())
    await page.goto(pathToFileURL(BUILT_PAGE).toString())
    read = await page.evaluate(() => {
      const meta = document.head.querySelector('meta[http-equiv="Content-Security-Policy" i]')
      const before: string[] = []
      for (const element of Array.from(document.head.children)) {
        if (element === meta) break
        before.push(element.tagName.toLowerCase())
      }
      return { policy: meta?.getAttribute('content') ?? null, before }
    })
  })

  after(async () => {
    await browser?.close()
  })

  it('is a meta policy at the top of <head>, before any script or stylesheet', () => {
    assert.ok(read.policy, 'the built page carries a Content-Security-Policy meta')
    assert.deepEqual(read.before, ['meta'], 'only <meta charset> comes before it')
  })

  it("allows scripts from the app only: no 'unsafe-inline', 'unsafe-eval' or other origins", () => {
    const policy = directives(read.policy!)
    assert.deepEqual(policy.get('script-src'), ["'self'"])
    assert.deepEqual(policy.get('default-src'), ["'self'"])
    assert.ok(!policy.has('script-src-elem') && !policy.has('script-src-attr'), 'no directive loosens scripts again')
  })

  it("names no remote origin anywhere (keywords, data: images and the app's audio scheme only)", () => {
    const allowed = new Set(["'self'", "'none'", "'unsafe-inline'", 'data:', `${AUDIO_SCHEME}:`])
    for (const [name, sources] of directives(read.policy!)) {
      for (const source of sources) assert.ok(allowed.has(source), `${name} allows ${source}`)
    }
    const policy = directives(read.policy!)
    assert.deepEqual(policy.get('connect-src'), ["'self'"], 'no WebSocket or HTTP origins')
    assert.deepEqual(policy.get('style-src'), ["'self'", "'unsafe-inline'"], 'inline styles only (Vue binds style attributes)')
  })

  it("sets base-uri 'none' and object-src 'none'", () => {
    const policy = directives(read.policy!)
    assert.deepEqual(policy.get('base-uri'), ["'none'"])
    assert.deepEqual(policy.get('object-src'), ["'none'"])
  })

  it('is enforced from file://: inline and remote scripts, connections, plugins and <base> are refused; the audio scheme is not', async () => {
    const outcome = await page.evaluate(async (audioScheme) => {
      const seen: Violation[] = []
      ;(window as unknown as { __violations: Violation[] }).__violations = seen
      document.addEventListener('securitypolicyviolation', (event) => seen.push({ directive: event.effectiveDirective, blocked: event.blockedURI }))
      const inline = document.createElement('script')
      inline.textContent = 'window.__inlineRan = true'
      document.head.append(inline)
      const remote = document.createElement('script')
      remote.src = 'https://scripts.example/x.js'
      document.head.append(remote)
      const socket = new WebSocket('ws://127.0.0.1:9/events')
      socket.onerror = () => {}
      const object = document.createElement('object')
      object.data = 'https://plugins.example/x.swf'
      document.body.append(object)
      const base = document.createElement('base')
      base.href = 'https://elsewhere.example/'
      document.head.append(base)
      const fetched = await fetch('https://api.example/').then(
        () => 'fetched',
        () => 'refused'
      )
      // Each <audio> reports an error once its source has been refused or failed to load, so by
      // then any violation it caused has been reported. (No named helpers in here: the test
      // runner's transform would wrap them in a function the page does not have.)
      await Promise.all(
        [`${audioScheme}://journal/recordings/x.mp3`, 'https://media.example/x.mp3'].map(
          (src) =>
            new Promise<void>((resolve) => {
              const audio = document.createElement('audio')
              audio.onerror = () => resolve()
              audio.src = src
              document.body.append(audio)
            })
        )
      )
      return { inlineRan: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true, fetched, baseUri: document.baseURI }
    }, AUDIO_SCHEME)
    assert.equal(outcome.inlineRan, false, 'an injected inline script does not run')
    assert.equal(outcome.fetched, 'refused')
    assert.ok(!outcome.baseUri.startsWith('https://elsewhere.example'), 'the <base> is ignored')

    const violations = (): Promise<Violation[]> => page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations)
    const refused = (directive: string, blocked: string) => (list: Violation[]) => list.some((v) => v.directive === directive && v.blocked.startsWith(blocked))
    const expected = [
      refused('script-src-elem', 'inline'),
      refused('script-src-elem', 'https://scripts.example'),
      refused('connect-src', 'https://api.example'),
      refused('connect-src', 'ws://127.0.0.1'),
      refused('object-src', 'https://plugins.example'),
      refused('base-uri', 'https://elsewhere.example'),
      refused('media-src', 'https://media.example')
    ]
    await waitFor(async () => {
      const list = await violations()
      return expected.every((check) => check(list))
    }, `every refusal is reported (so far: ${JSON.stringify(await violations())})`)
    const list = await violations()
    assert.ok(!list.some((v) => v.blocked.startsWith(`${AUDIO_SCHEME}:`)), `the audio scheme is allowed: ${JSON.stringify(list)}`)
  })
})
