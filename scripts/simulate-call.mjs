// `npm run simulate-call -- …`: one call from the local Vonage simulator to a running app.
// See src/main/simulate-call.ts for options.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { ensureBuild } from './ensure-build.mjs'

ensureBuild()
// A build made before this entry existed is fresh for ensureBuild yet lacks it.
if (!existsSync('out/main/simulate-call.js')) {
  const result = spawnSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit', shell: process.platform === 'win32' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
const child = spawn(process.execPath, ['out/main/simulate-call.js', ...process.argv.slice(2)], { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
