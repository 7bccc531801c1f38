// `npm test`: lint, type-check, the Electron security scan, build (the browser and multi-process
// tests run the built app), then every test file with Node's test runner, the workspace packages'
// included. Each step stops the run if it fails.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const run = (label, command, args) => {
  console.log(`\n▶ ${label}`)
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' })
  if (result.status !== 0) {
    console.error(`✖ ${label} failed`)
    process.exit(result.status ?? 1)
  }
}

const testFiles = (dir) =>
  readdirSync(dir, { recursive: true })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join(dir, name))
    .sort()

// The workspace packages' own tests (what `npm test -w packages/<name>` runs) come first.
const packageTests = readdirSync('packages').map((name) => join('packages', name, 'test')).filter((dir) => existsSync(dir))

const only = process.argv.slice(2)
const files = only.length > 0 ? only : [...packageTests, 'test/unit', 'test/integration', 'test/e2e', 'test/electron'].flatMap(testFiles)

if (only.length === 0) {
  run('lint', 'npx', ['eslint', '.'])
  run('typecheck', 'npm', ['run', '--silent', 'typecheck'])
  // electronegativity over src/: any finding without a written reason fails the run.
  run('security scan', process.execPath, ['scripts/security-scan.mjs'])
}
run('build', 'npx', ['electron-vite', 'build', '--logLevel', 'warn'])
// One file at a time: the multi-peer and browser tests each start real processes, and this
// machine has two cores. The time limit is per file: a browser file whose tests each start their
// own peers and window takes minutes on a loaded two-core machine.
run('tests', process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000', '--test-reporter=spec', ...files])
