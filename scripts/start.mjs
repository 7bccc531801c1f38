// `npm start`: the desktop app. Electron's runtime is downloaded from GitHub the first time; where
// that cannot happen, say so in plain words and point to the headless mode instead of a stack trace.
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { findElectronBinary, electronPackageDir } from './electron-binary.mjs'
import { ensureBuild } from './ensure-build.mjs'

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

if (!found.binary) {
  console.error(`
Voice Journal cannot open its desktop window: ${found.reason}.

Electron's runtime is fetched from GitHub the first time the app starts. If this machine cannot
reach GitHub, either point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron, or run the same
app without Electron and use it in your browser:

    npm run serve -- --data ~/voice-journal --ui-port 7350

then open the "uiUrl" it prints.
`)
  process.exit(1)
}

ensureBuild()
const child = spawn(found.binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' })
child.on('exit', (code) => process.exit(code ?? 0))
