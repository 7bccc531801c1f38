// `npm start`: the desktop app. Electron's runtime is downloaded from GitHub the first time; where
// that cannot happen, the same app starts without Electron (the headless host) on a fixed local
// address and opens in the default browser, so the first command in the README always runs the app.
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { findElectronBinary, electronPackageDir } from './electron-binary.mjs'
import { ensureBuild } from './ensure-build.mjs'
import { HEADLESS_NODE_ARGS, headlessEnvironment } from './headless-runtime.mjs'

/** The browser window's fixed address when there is no Electron, so it can be bookmarked. */
const UI_PORT = '7350'
const WEBHOOK_PORT = '3000'

/** `--no-open` is this script's own: keep the browser closed (the address is printed either way). */
const noOpen = process.argv.includes('--no-open')
const args = process.argv.slice(2).filter((arg) => arg !== '--no-open')

let found = findElectronBinary()
if (!found.binary && !process.env.ELECTRON_OVERRIDE_DIST_PATH) {
  console.error('Downloading the Electron runtime (first start only)…')
  const download = spawnSync(process.execPath, [join(electronPackageDir(), 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 })
  found = findElectronBinary()
  if (!found.binary) {
    const detail = download.stderr?.toString().split('\n').find((line) => line.trim()) ?? 'no answer'
    found.reason = `downloading the Electron runtime failed (${detail.trim()})`
  }
}

ensureBuild()
if (found.binary) {
  const child = spawn(found.binary, ['.', ...args], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  startInBrowser(found.reason)
}

/**
 * The headless host with the desktop app's defaults (its data folder; webhooks on 127.0.0.1:3000
 * for a tunnel, as the desktop app listens), its window served at http://127.0.0.1:7350. Flags
 * given to `npm start -- …` are passed on and win over these defaults.
 */
function startInBrowser(reason) {
  console.error(`Voice Journal runs in your browser this time: ${reason}.`)
  const defaults = [
    ['--ui-port', UI_PORT],
    ['--webhook-port', WEBHOOK_PORT],
    ['--webhook-host', '127.0.0.1']
  ].flatMap(([flag, value]) => (args.includes(flag) ? [] : [flag, value]))
  const child = spawn(process.execPath, [...HEADLESS_NODE_ARGS, 'out/main/headless.js', ...defaults, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: headlessEnvironment()
  })
  // The host prints one JSON line when it is up; anything after it is passed through.
  const lines = createInterface({ input: child.stdout })
  lines.once('line', (line) => {
    let info
    try {
      info = JSON.parse(line)
    } catch {
      console.log(line)
      return
    }
    console.log(`
Voice Journal is running. Open it at:

    ${info.uiUrl}

Calls reach it at ${info.localWebhookUrl} (point a tunnel there). Press Ctrl+C to stop.
For the desktop window instead, install the Electron runtime (see README) or set ELECTRON_OVERRIDE_DIST_PATH.
`)
    openBrowser(info.uiUrl)
    lines.on('line', (rest) => console.log(rest))
  })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

/** Opens the default browser where there is one; headless machines and CI just keep the printed address. */
async function openBrowser(url) {
  const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
  if (noOpen || process.env.BROWSER === 'none' || process.env.CI || noDisplay) return
  try {
    const { default: open } = await import('open')
    const browser = await open(url)
    browser.on('error', () => console.error('Could not open a browser; use the address above.'))
  } catch {
    console.error('Could not open a browser; use the address above.')
  }
}
