// Preloaded (`--import`) by scripts/test-isolation.mjs. Node 20's test runner can neither shuffle
// tests nor run one by its position, so this wraps node:test's `describe` and `it` (a builtin's
// ESM exports follow its CommonJS object after syncBuiltinESMExports) to do either, by the
// environment: TEST_ISOLATION=list (write every test's name to TEST_ISOLATION_LIST and run
// nothing), =only (register only test number TEST_ISOLATION_INDEX, hooks as usual) or =shuffle
// (register each suite's tests and sub-suites in an order drawn from TEST_ISOLATION_SEED).
import { appendFileSync } from 'node:fs'
import { createRequire, syncBuiltinESMExports } from 'node:module'

const require = createRequire(import.meta.url)
const nodeTest = require('node:test')
const real = { describe: nodeTest.describe, it: nodeTest.it }
const mode = process.env.TEST_ISOLATION
const onlyIndex = Number(process.env.TEST_ISOLATION_INDEX)
let seed = Number(process.env.TEST_ISOLATION_SEED) >>> 0 || 1

/** mulberry32: a small seeded generator, so a failing order can be run again. */
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

function shuffled(items) {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j], copy[i]]
  }
  return copy
}

let testIndex = 0
/** Above zero while a suite's body runs only to count or list its tests: nothing is registered. */
let dry = mode === 'list' ? 1 : 0
/** The registrations of the suite being built, in shuffle mode; null at the top level. */
let pending = null
const suiteNames = []

function nameOf(args) {
  return typeof args[0] === 'string' ? args[0] : (args[0]?.name ?? '(anonymous)')
}

function it(...args) {
  const index = testIndex++
  if (mode === 'list') appendFileSync(process.env.TEST_ISOLATION_LIST, `${JSON.stringify([...suiteNames, nameOf(args)])}\n`)
  if (dry > 0 || (mode === 'only' && index !== onlyIndex)) return
  if (pending) {
    pending.push(() => real.it(...args))
    return
  }
  return real.it(...args)
}

function describe(...args) {
  const body = args.findLast((arg) => typeof arg === 'function')
  const head = args.filter((arg) => arg !== body)
  const runBody = () => {
    suiteNames.push(nameOf(args))
    const outer = pending
    pending = mode === 'shuffle' && dry === 0 ? [] : null
    try {
      body()
    } finally {
      const mine = pending
      pending = outer
      suiteNames.pop()
      for (const register of mine ? shuffled(mine) : []) register()
    }
  }
  if (dry > 0) return runBody()
  if (mode === 'only') {
    // A suite without the chosen test is left out whole, so its `before` starts nothing.
    const first = testIndex
    dry++
    try {
      runBody()
    } finally {
      dry--
    }
    const end = testIndex
    if (onlyIndex < first || onlyIndex >= end) return
    testIndex = first
    const suite = real.describe(...head, runBody)
    testIndex = end
    return suite
  }
  if (pending) {
    pending.push(() => real.describe(...head, runBody))
    return
  }
  return real.describe(...head, runBody)
}

for (const name of ['skip', 'todo', 'only']) {
  it[name] = real.it[name]
  describe[name] = real.describe[name]
}
nodeTest.it = nodeTest.test = it
nodeTest.describe = nodeTest.suite = describe
for (const hook of ['before', 'after', 'beforeEach', 'afterEach']) {
  const register = nodeTest[hook]
  nodeTest[hook] = (...args) => (dry > 0 ? undefined : register(...args))
}
syncBuiltinESMExports()
