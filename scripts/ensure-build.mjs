// Builds the app when `out/` is missing or older than the sources (the simulator's included: "Simulate
// a call" bundles it), so `npm start` and `npm run serve` never run a stale build.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const newestSource = (paths) =>
  paths
    .flatMap((path) => (statSync(path).isDirectory() ? readdirSync(path, { recursive: true }).map((name) => join(path, name)) : [path]))
    .filter((path) => existsSync(path) && statSync(path).isFile())
    .reduce((newest, path) => Math.max(newest, statSync(path).mtimeMs), 0)

export function ensureBuild() {
  const outputs = ['out/main/index.js', 'out/main/headless.js', 'out/main/resources/caller.wav', 'out/preload/index.cjs', 'out/renderer/index.html']
  const oldestOutput = outputs.every((path) => existsSync(path)) ? Math.min(...outputs.map((path) => statSync(path).mtimeMs)) : 0
  if (oldestOutput > newestSource(['src', 'packages/vonage-sim/src', 'packages/vonage-sim/resources', 'electron.vite.config.ts', 'package.json'])) return
  console.error('Building Voice Journal…')
  const result = spawnSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit', shell: process.platform === 'win32' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
