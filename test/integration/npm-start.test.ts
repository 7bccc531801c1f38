import { strict as assert } from 'node:assert'
import { spawn } from 'node:child_process'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { findElectronBinary } from '../../scripts/electron-binary.mjs'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const electron = findElectronBinary()

describe('npm start', () => {
  it(
    'without an Electron runtime, starts the same app in the browser, prints its address, and stops on Ctrl+C',
    { skip: electron.binary ? `an Electron binary is installed here (${electron.binary}), so npm start opens the desktop window instead` : false },
    async () => {
      const data = await makeTempDir('npm-start-')
      // The same script `npm start` runs, with free ports so it cannot collide with a running app.
      const child = spawn(process.execPath, ['scripts/start.mjs', '--data', data.dir, '--ui-port', '0', '--webhook-port', '0', '--no-open'], {
        cwd: ROOT,
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '' },
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      try {
        await waitFor(() => /http:\/\/127\.0\.0\.1:\d+\/#token=/.test(stdout) || child.exitCode !== null, 'the address is printed', 60_000)
        const address = /(http:\/\/127\.0\.0\.1:\d+\/)#token=([\w-]+)/.exec(stdout)
        assert.ok(address, `no address printed.\nstdout:\n${stdout}\nstderr:\n${stderr}`)
        assert.match(stderr, /runs in your browser this time/)
        const page = await fetch(address[1]!)
        assert.equal(page.status, 200)
        assert.match(await page.text(), /<div id="app">/)
        const status = await fetch(`${address[1]}api/getStatus`, { method: 'POST', headers: { Authorization: `Bearer ${address[2]}` }, body: '{}' })
        assert.equal(status.status, 200)
        child.kill('SIGINT')
        assert.equal(await exited, 0, 'Ctrl+C stops it cleanly')
      } finally {
        child.kill('SIGKILL')
        await data.cleanup()
      }
    }
  )
})
