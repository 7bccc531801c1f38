// `npm run serve -- …`: the headless host (no Electron). See src/main/headless.ts for options.
import { spawn } from 'node:child_process'
import { ensureBuild } from './ensure-build.mjs'
import { HEADLESS_NODE_ARGS, headlessEnvironment } from './headless-runtime.mjs'

ensureBuild()
const child = spawn(process.execPath, [...HEADLESS_NODE_ARGS, 'out/main/headless.js', ...process.argv.slice(2)], { stdio: 'inherit', env: headlessEnvironment() })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
