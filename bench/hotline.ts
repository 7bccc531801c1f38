/**
 * `npm run bench:hotline`: what hotline mode costs (issue 12).
 *   1. Ringing: from the moment the simulator sends a caller's answer webhook to the moment the
 *      last of 20 staff legs reaches the Calls API (`POST /v1/calls`), over several calls one after
 *      another. Target < 300 ms (median).
 *   2. Load: 50 hotline calls at once (each caller waits, two staff are rung per call, the first
 *      answers, the conversation is recorded); every call must end with its own entry, linked to it
 *      in the ledger.
 * Runs the built headless app against the in-repo Vonage simulator, as the tests do. Prints medians
 * and the machine's load.
 */
import { performance } from 'node:perf_hooks'
import type { CallResult, OutboundCallRecord } from '@voice-journal/vonage-sim'
import type { CallDto } from '../src/shared/intake'
import { IntakeHarness, toneAudio } from '../test/helpers/intake-harness'
import { machineLoad, median, percentile, verdict } from './stats'

const STAFF = 20
const RING_RUNS = 9
const CONCURRENT_CALLS = 50
const RING_TARGET_MS = 300
const ms = (value: number): string => `${value.toFixed(0)} ms`

const staffNumber = (index: number): string => `+4477009${String(30_000 + index).padStart(5, '0')}`

async function ringAll(harness: IntakeHarness): Promise<void> {
  const staff = Array.from({ length: STAFF }, (_, index) => ({ name: `Staff ${index + 1}`, number: staffNumber(index) }))
  // The first answers after one ring; the rest would ring on, and are hung up when the first joins.
  staff.forEach((member, index) => harness.simulator.phones.set(member.number.slice(1), index === 0 ? { answer: 'after-rings', rings: 1 } : { answer: 'never' }))
  await harness.app.call('saveSettings', { hotlineStaff: staff, ringSeconds: 30, hotlineGreeting: 'Hello.' })
  const delays: number[] = []
  for (let run = 0; run < RING_RUNS; run++) {
    const requested: OutboundCallRecord[] = []
    const onLeg = (record: OutboundCallRecord): void => void requested.push(record)
    harness.simulator.on('outbound-call', onLeg)
    const call = harness.placeCall({ audio: toneAudio(run, 1) })
    const result = await call.done
    harness.simulator.off('outbound-call', onLeg)
    const answer = result.callbacks.find((callback) => callback.kind === 'answer')
    if (!answer?.sentAt || requested.length !== STAFF) throw new Error(`run ${run}: ${requested.length} legs requested, answer sent at ${answer?.sentAt}`)
    delays.push(Math.max(...requested.map((leg) => leg.requestedAt)) - answer.sentAt)
  }
  const middle = median(delays)
  console.log(`1. answer webhook → all ${STAFF} staff legs requested: median ${ms(middle)}, p90 ${ms(percentile(delays, 90))} over ${RING_RUNS} calls (${delays.map(ms).join(', ')})`)
  console.log(`   target < ${RING_TARGET_MS} ms: ${verdict(middle < RING_TARGET_MS)}`)
}

async function manyAtOnce(harness: IntakeHarness): Promise<void> {
  const staff = [
    { name: 'First', number: staffNumber(100) },
    { name: 'Second', number: staffNumber(101) }
  ]
  harness.simulator.phones.set(staff[0]!.number.slice(1), { answer: 'after-rings', rings: 1 })
  harness.simulator.phones.set(staff[1]!.number.slice(1), { answer: 'after-rings', rings: 3 })
  await harness.app.call('saveSettings', { hotlineStaff: staff, ringSeconds: 30, hotlineGreeting: 'Hello.' })
  const before = new Set((await harness.entries()).map((entry) => entry.path))
  const started = performance.now()
  const calls = Array.from({ length: CONCURRENT_CALLS }, (_, index) => harness.placeCall({ audio: toneAudio(100 + index, 1.5), from: `4477009${String(40_000 + index)}` }))
  const results: CallResult[] = await Promise.all(calls.map((call) => call.done))
  const callsEnded = performance.now() - started
  const expected = new Map<string, Buffer>()
  for (const result of results) {
    const conversation = harness.simulator.conversations.get(result.conversations[0] ?? '')
    await conversation?.finished
    const recording = conversation?.recording
    if (!recording) throw new Error(`call ${result.uuid} has no conversation recording (${result.error ?? 'no error'})`)
    expected.set(`/recordings/${recording.startTime.slice(0, 4)}/${recording.startTime.slice(5, 7)}/${recording.recordingUuid}.mp3`, recording.bytes)
  }
  for (;;) {
    const paths = new Set((await harness.entries()).map((entry) => entry.path).filter((path) => !before.has(path)))
    if ([...expected.keys()].every((path) => paths.has(path))) break
    if (performance.now() - started > 180_000) throw new Error(`only ${paths.size} of ${CONCURRENT_CALLS} entries after 3 minutes`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const allIn = performance.now() - started
  let exact = 0
  for (const [path, bytes] of expected) if ((await harness.app.audio(path)).equals(bytes)) exact++
  const ledger = await harness.app.call<CallDto[]>('listCalls')
  const linked = calls.filter((call) => {
    const logged = ledger.find((entry) => entry.uuid === call.uuid)
    return logged?.hotline?.outcome === 'answered' && logged.entryPath !== undefined && expected.has(logged.entryPath)
  }).length
  console.log(`2. ${CONCURRENT_CALLS} hotline calls at once: all ended after ${(callsEnded / 1000).toFixed(1)} s, every entry in the journal after ${(allIn / 1000).toFixed(1)} s`)
  console.log(`   ${expected.size} distinct conversations, ${exact}/${expected.size} entries byte-identical to their recording, ${linked}/${CONCURRENT_CALLS} calls answered and linked to their own entry in the ledger: ${verdict(exact === CONCURRENT_CALLS && linked === CONCURRENT_CALLS && expected.size === CONCURRENT_CALLS)}`)
}

async function main(): Promise<void> {
  console.log(`bench:hotline (${machineLoad()})`)
  const harness = await IntakeHarness.start('hotline', { simulator: { ringMs: 50 } })
  try {
    await ringAll(harness)
    await manyAtOnce(harness)
  } finally {
    await harness.close()
  }
}

await main()
