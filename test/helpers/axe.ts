import { strict as assert } from 'node:assert'
import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright'

/** The automated standard the window is held to: WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']

export const WIDE = { width: 1360, height: 860 }
/**
 * Narrower than every width media query in the window (the narrowest is 640 px), and as short as
 * the desktop window can be made (520 px), where more of the panels scroll.
 */
export const NARROW = { width: 600, height: 520 }

export interface AxeLayout {
  colorScheme: 'light' | 'dark'
  viewport: { width: number; height: number }
}

/** The window's two colour schemes, wide. */
export const BOTH_SCHEMES: AxeLayout[] = [
  { colorScheme: 'light', viewport: WIDE },
  { colorScheme: 'dark', viewport: WIDE }
]
/** The two colour schemes, narrow. */
export const BOTH_SCHEMES_NARROW: AxeLayout[] = BOTH_SCHEMES.map((layout) => ({ ...layout, viewport: NARROW }))
/** Both colour schemes, wide and narrow: for the views themselves (a resize is part of the state in a few others). */
export const EVERY_LAYOUT: AxeLayout[] = [...BOTH_SCHEMES, ...BOTH_SCHEMES_NARROW]

/** One kind of violation on one element, with the layouts it showed up in. */
export interface AxeFinding {
  id: string
  impact: string
  help: string
  target: string
  summary: string
  layouts: string[]
}

/**
 * Runs axe over the page as it is now, once per layout, and returns every violation. The page is
 * left in the wide light layout the window sessions start with.
 */
export async function axeFindings(page: Page, layouts: AxeLayout[]): Promise<AxeFinding[]> {
  const findings = new Map<string, AxeFinding>()
  for (const layout of layouts) {
    const layoutName = `${layout.colorScheme} ${layout.viewport.width}px`
    await page.emulateMedia({ colorScheme: layout.colorScheme })
    await page.setViewportSize(layout.viewport)
    await settle(page)
    const results = await runAxe(page)
    for (const violation of results.violations) {
      for (const node of violation.nodes) {
        const target = node.target.join(' ')
        const summary = node.failureSummary ?? ''
        const key = `${violation.id}\n${target}\n${summary}`
        const finding = findings.get(key) ?? { id: violation.id, impact: violation.impact ?? 'unknown', help: violation.help, target, summary, layouts: [] }
        finding.layouts.push(layoutName)
        findings.set(key, finding)
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await page.setViewportSize(WIDE)
  return [...findings.values()]
}

/** What to fix: each violation's id, help and element, where it showed, and axe's summary of why. */
export function describeFindings(state: string, findings: AxeFinding[]): string {
  const lines = [`axe found ${findings.length} violation(s) in "${state}":`]
  for (const finding of findings) {
    lines.push(`\n${finding.id} (${finding.impact}): ${finding.help}`)
    lines.push(`  ${finding.target}   [${finding.layouts.join(', ')}]`)
    lines.push(`    ${finding.summary.replace(/\n/g, '\n    ')}`)
  }
  return lines.join('\n')
}

/** Passes when axe (WCAG 2 A/AA and best practice) finds nothing in the page as it is now, in each layout. */
export async function expectAccessible(page: Page, state: string, layouts: AxeLayout[] = BOTH_SCHEMES): Promise<void> {
  const findings = await axeFindings(page, layouts)
  assert.equal(findings.length, 0, describeFindings(state, findings))
}

/**
 * One axe run over the page, made quick since a test makes dozens: legacy mode runs axe in the page
 * itself (the default opens a second page per run to put frames' results together, and the window
 * has no frames); a page that already holds axe-core from an earlier run is not sent its source
 * again (AxeBuilder evaluates all 500 kB of it twice a run otherwise, seconds on a busy machine);
 * and only violations are reported in full.
 */
async function runAxe(page: Page): ReturnType<AxeBuilder['analyze']> {
  const hasAxe = await page.evaluate(() => typeof (window as { axe?: { run?: unknown } }).axe?.run === 'function')
  const builder = new AxeBuilder(hasAxe ? { page, axeSource: AXE_ALREADY_IN_PAGE } : { page })
  const analysis = builder.setLegacyMode(true).withTags(AXE_TAGS).options({ resultTypes: ['violations'] }).analyze()
  // Bounded for the same reason as settle(): a run that never returns should fail here, saying so.
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`axe did not finish within ${AXE_RUN_LIMIT_MS / 1000} s`)), AXE_RUN_LIMIT_MS)
  })
  try {
    return await Promise.race([analysis, limit])
  } finally {
    clearTimeout(timer)
  }
}

/** An axe run takes 1–5 s on this window on a busy 2-core machine. */
const AXE_RUN_LIMIT_MS = 60_000

/** The "source" AxeBuilder evaluates when the page already has axe-core: nothing to do. */
const AXE_ALREADY_IN_PAGE = 'void 0'

/**
 * Waits until the page shows what a user would look at: the pointer rests where nothing reacts
 * to it, what a resize changes has been laid out, and no CSS transition is halfway (axe reads
 * colours at the instant it runs, so a button still fading after a click or a scheme change would
 * be judged on an in-between colour).
 *
 * Bounded: a transition that never finishes (a hidden page whose frames stop, a style flipped
 * back and forth by a poll) must not hold a test until its own time limit, which says nothing of
 * where it stood. After SETTLE_LIMIT_MS the transitions still running are named on stderr and
 * axe runs anyway; a colour judged mid-fade then shows up as a finding, with its element.
 */
async function settle(page: Page): Promise<void> {
  await page.mouse.move(0, 0)
  const unfinished = await page.evaluate(async (limitMs) => {
    // Resize observers (the virtual lists) run after a frame's animation callbacks; by the second
    // frame they and the re-rendering they started are done. (No named helper in here: tsx would
    // wrap it in a `__name` call the page does not have.) A frame that never comes is cut short.
    for (let frame = 0; frame < 2; frame++) await Promise.race([new Promise(requestAnimationFrame), new Promise((resolve) => setTimeout(resolve, limitMs))])
    const transitions = document.getAnimations().filter((animation) => animation instanceof CSSTransition) as CSSTransition[]
    // A transition cut short rejects its promise; either way it is over, which is all that matters here.
    const done = Promise.allSettled(transitions.map((transition) => transition.finished))
    const finished = await Promise.race([done.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), limitMs))])
    if (finished) return []
    return transitions
      .filter((transition) => transition.playState !== 'finished' && transition.playState !== 'idle')
      .map((transition) => {
        const target = (transition.effect as KeyframeEffect | null)?.target
        const where = target ? `${target.tagName.toLowerCase()}${target.id ? `#${target.id}` : ''}.${[...target.classList].join('.')}` : 'no element'
        return `${transition.transitionProperty} on ${where} (${transition.playState}, ${document.visibilityState} page)`
      })
  }, SETTLE_LIMIT_MS)
  if (unfinished.length > 0) process.stderr.write(`axe settle: still running after ${SETTLE_LIMIT_MS} ms, axe runs anyway: ${unfinished.join('; ')}\n`)
}

const SETTLE_LIMIT_MS = 5_000
