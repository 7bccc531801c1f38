// Checks that tests stand alone: every test of the given files runs by itself (in its own
// process, with its file's hooks), then every file runs once with each suite's tests in a
// shuffled order. Usage: node scripts/test-isolation.mjs [--seed N] [--no-build] FILE…
// Not part of `npm test` (it runs each file many times); run it on the files you change.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const HOOKS = new URL('./test-isolation-hooks.mjs', import.meta.url).href
const args = process.argv.slice(2)
const option = (name) => {
  const at = args.indexOf(name)
  return at < 0 ? undefined : args.splice(at, name === '--no-build' ? 1 : 2)[1] ?? true
}
const seed = Number(option('--seed') ?? Math.floor(Math.random() * 2 ** 31))
const build = option('--no-build') === undefined
const files = args
if (files.length === 0) {
  console.error('usage: node scripts/test-isolation.mjs [--seed N] [--no-build] test/…/x.test.ts …')
  process.exit(2)
}

if (build && spawnSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' }).status !== 0) process.exit(1)

function runFile(file, env) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', HOOKS, '--test', '--test-timeout=180000', '--test-reporter=spec', file], {
    env: { ...process.env, ...env },
    encoding: 'utf8'
  })
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` }
}

function listTests(file) {
  const dir = mkdtempSync(join(tmpdir(), 'test-isolation-'))
  const list = join(dir, 'tests.jsonl')
  try {
    // Loading the file in list mode runs no hook and no test; only the names are written.
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', HOOKS, file], {
      env: { ...process.env, TEST_ISOLATION: 'list', TEST_ISOLATION_LIST: list },
      encoding: 'utf8'
    })
    if (result.status !== 0) throw new Error(`cannot list the tests of ${file}:\n${result.stderr}`)
    return readFileSync(list, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line).join(' › '))
  } catch (error) {
    if (error.code === 'ENOENT') return []
    throw error
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

let passed = 0
let failed = 0
const record = (ok, label, output) => {
  const mark = ok ? '✔' : '✖'
  console.log(`${mark} ${label}`)
  if (ok) passed++
  else {
    failed++
    console.log(output.replace(/^/gm, '    '))
  }
}

console.log(`shuffle seed ${seed}`)
for (const file of files) {
  const names = listTests(file)
  console.log(`\n${file}: ${names.length} tests`)
  for (const [index, name] of names.entries()) {
    const started = Date.now()
    const { ok, output } = runFile(file, { TEST_ISOLATION: 'only', TEST_ISOLATION_INDEX: String(index) })
    record(ok, `alone: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`, output)
  }
  const started = Date.now()
  const { ok, output } = runFile(file, { TEST_ISOLATION: 'shuffle', TEST_ISOLATION_SEED: String(seed) })
  const summary = output.split(/✖ failing tests:/)[0]
  const suites = new Set([...summary.matchAll(/^\s*▶ (.+)$/gm)].map((m) => m[1]))
  const order = [...summary.matchAll(/^\s*[✔✖] (.+?) \(\d/gm)].map((m) => m[1]).filter((name) => !suites.has(name))
  record(ok, `shuffled (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s): ${order.join(' → ')}`, output)
}
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
