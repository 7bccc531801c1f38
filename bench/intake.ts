/**
 * `npm run bench:intake -- [--calls 500] [--seconds 60] [--generators 2] [--within 30]
 *   [--fast-short 60] [--fast-long 840] [--fast-rounds 3] [--flat-calls 50] [--flat-short 60] [--flat-long 600]
 *   [--skip-record] [--skip-stream] [--skip-fast] [--skip-flat] [--app-env NAME=VALUE …]`
 *
 * Stream: N concurrent real-time calls from the simulator (in separate load-generator processes)
 * into the app (a separate headless process). Prints the app's CPU and peak RSS, whether frames
 * kept real-time pace, whether every recording is exact, sample for sample, and how many were in
 * the journal `--within` seconds after the last call ended.
 * Full speed: one call at two lengths pushed as fast as the socket takes it (the sender waits
 * only for each frame's write), three rounds: the receiver's backpressure must keep memory the
 * same whatever the length. Flat: fewer real-time calls at two call lengths, to show memory is flat in length.
 * Record: 100 recording events at once against a media server that answers in 500 ms; prints
 * every acknowledgement's latency and when the last entry is in the journal.
 * Targets (issues 3 and 9): 500 calls exact, peak RSS < 300 MB, flat in length; full speed at
 * 60 s and 840 s both < 150 MB and within 10% of each other, exact; acks < 100 ms, all in 5 s.
 * Stretch (issue 9): 1,000 calls exact, in the journal within 30 s, < 300 MB.
 */
import { fork } from 'node:child_process'
import { createHash } from 'node:crypto'
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { loadCallerAudio, signCallback, VonageSimulator } from '@voice-journal/vonage-sim'
import type { EntryDto, JournalStatus } from '#shared/dto'
import type { IntakeMode } from '#shared/intake'
import { startHeadless, type HeadlessApp } from '../test/helpers/headless-process'
import { wavData } from '../test/helpers/intake-harness'
import { makeTempDir } from '../test/helpers/temp-dir'
import { startTestnet } from '../test/helpers/testnet'
import { ProcessMeter } from './process-meter'
import { machineLoad, max, mb, median, verdict } from './stats'
import type { GeneratedCall, GeneratorJob } from './stream-generator'

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '60' },
    generators: { type: 'string', default: '2' },
    within: { type: 'string', default: '30' },
    'fast-short': { type: 'string', default: '60' },
    'fast-long': { type: 'string', default: '840' },
    'fast-rounds': { type: 'string', default: '3' },
    'flat-calls': { type: 'string', default: '50' },
    'flat-short': { type: 'string', default: '60' },
    'flat-long': { type: 'string', default: '600' },
    'skip-record': { type: 'boolean', default: false },
    'skip-stream': { type: 'boolean', default: false },
    'skip-fast': { type: 'boolean', default: false },
    'skip-flat': { type: 'boolean', default: false },
    'app-env': { type: 'string', multiple: true, default: [] }
  }
})

/** `--app-env NAME=VALUE` (repeatable): extra environment for the app process, e.g. MALLOC_ARENA_MAX=1. */
const appEnv = Object.fromEntries(values['app-env'].map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]))

const MB = 2 ** 20
/** How long the run waits for the last entries before it gives up. */
const SETTLE_LIMIT_MS = 180_000

async function startApp(mode: IntakeMode, simulator: VonageSimulator, bootstrap: string, dir: string): Promise<HeadlessApp> {
  const app = await startHeadless(dir, ['--bootstrap', bootstrap], { ...simulator.appEnvironment(), JOURNAL_MODE: mode, ...appEnv })
  await app.call('saveSettings', { greeting: '', maxSeconds: 7200 })
  return app
}

interface StreamFigures {
  calls: number
  exact: number
  peakRssBytes: number
  peakDuringCallsBytes: number
  idleRssBytes: number
  cpuPercent: number
  /** From the first call placed to the last call ended. */
  callsMs: number
  /** Entries in the journal `--within` seconds after the last call ended. */
  inJournalWithin: number
  /** From the last call ended to the last entry in the journal. */
  settleMs: number
  generated: GeneratedCall[]
}

/** `calls` calls of `seconds` each, all placed at once, real time or at full speed; measured until every entry is in. */
async function streamRun(calls: number, seconds: number, realtime: boolean): Promise<StreamFigures> {
  const simulator = await VonageSimulator.start()
  const network = await startTestnet()
  const data = await makeTempDir('voice-journal-bench-')
  const app = await startApp('stream', simulator, network.bootstrap, data.dir)
  let meter: ProcessMeter | undefined
  app.process.once('exit', (code, signal) => {
    if (code !== 0) console.error(`the app exited during the run (${code ?? signal}):\n${app.stderr().slice(-3000)}`)
  })
  try {
    const idleRssBytes = new ProcessMeter(app.process.pid!, 250).stop().peakRssBytes
    meter = new ProcessMeter(app.process.pid!, 100)
    const started = performance.now()
    // The calls are placed by separate generator processes, each with its share.
    const generatorCount = Math.min(calls, Math.max(1, Number(values.generators)))
    const shares = Array.from({ length: generatorCount }, (_, g) => Array.from({ length: calls }, (_, i) => i).filter((i) => i % generatorCount === g))
    const { publicKey: _publicKey, ...account } = simulator.account
    const generated = (
      await Promise.all(
        shares.map(
          (seeds) =>
            new Promise<GeneratedCall[]>((resolve, reject) => {
              const child = fork(new URL('./stream-generator.ts', import.meta.url), { execArgv: ['--import', 'tsx'] })
              child.once('message', (reply: { calls?: GeneratedCall[]; error?: string }) => (reply.calls ? resolve(reply.calls) : reject(new Error(reply.error))))
              child.once('exit', (code) => code !== 0 && reject(new Error(`generator exited with ${code}`)))
              child.send({ account, webhooks: app.info.localWebhookUrl, seeds, seconds, realtime } satisfies GeneratorJob)
            })
        )
      )
    ).flat()
    const callsDone = performance.now()
    const peakDuringCallsBytes = meter.peak
    const withinMs = Number(values.within) * 1000
    let inJournalWithin: number | undefined
    // A call whose audio leg failed (no socket, closed by the app) may have no entry to wait for;
    // it is counted as not exact.
    const expected = generated.filter((c) => !c.error).length
    // Every entry in the journal, then the meter stops: adding the WAVs is part of the work.
    for (;;) {
      const { entries } = await app.call<JournalStatus>('getStatus')
      const elapsed = performance.now() - callsDone
      if (elapsed <= withinMs) inJournalWithin = entries
      if (entries >= expected) break
      if (elapsed > SETTLE_LIMIT_MS) {
        throw new Error(`only ${entries} of ${expected} entries ${SETTLE_LIMIT_MS / 1000} s after the calls ended; the app's last log lines:\n${app.stderr().slice(-3000)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const settled = performance.now()
    const usage = meter.stop()
    let exact = 0
    const entries = await app.call<EntryDto[]>('listEntries')
    for (const call of generated) {
      const entry = entries.find((e) => e.path.endsWith(`/${call.uuid}.wav`))
      if (entry && createHash('sha256').update(wavData(await app.audio(entry.path))).digest('hex') === call.sha256) exact++
    }
    return {
      calls,
      exact,
      peakRssBytes: usage.peakRssBytes,
      peakDuringCallsBytes,
      idleRssBytes,
      cpuPercent: usage.cpuPercent,
      callsMs: callsDone - started,
      inJournalWithin: inJournalWithin ?? 0,
      settleMs: settled - callsDone,
      generated
    }
  } finally {
    meter?.stop()
    await app.stop()
    await simulator.close()
    await network.testnet.destroy()
    await data.cleanup()
  }
}

const secondsText = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

function memoryLine(run: StreamFigures): string {
  return (
    `app peak RSS ${mb(run.peakRssBytes)} (${mb(run.peakDuringCallsBytes)} while the calls ran, idle ${mb(run.idleRssBytes)}), ` +
    `CPU ${run.cpuPercent.toFixed(0)}% of one core`
  )
}

async function concurrentRun(): Promise<void> {
  const calls = Number(values.calls)
  const seconds = Number(values.seconds)
  const run = await streamRun(calls, seconds, true)
  const late = run.generated.map((c) => c.maxLateMs)
  const drift = run.generated.map((c) => c.durationMs - c.audioMs)
  const promised = calls <= 500
  console.log(`stream: ${calls} concurrent real-time calls × ${seconds} s from ${Math.min(calls, Number(values.generators))} generator processes (${machineLoad()} at the end)`)
  console.log(`  exact (SHA-256 of the PCM sent = the WAV data in the journal): ${run.exact}/${calls} (target: all): ${verdict(run.exact === calls)}`)
  const failed = run.generated.filter((c) => c.error)
  if (failed.length > 0) {
    const reasons = new Map<string, number>()
    for (const call of failed) reasons.set(call.error!, (reasons.get(call.error!) ?? 0) + 1)
    console.log(`  ${failed.length} calls did not stream all their audio: ${[...reasons].map(([reason, n]) => `${n} × ${reason}`).join('; ')}`)
  }
  console.log(`  ${memoryLine(run)} (target < 300 MB: ${verdict(run.peakRssBytes < 300 * MB)})`)
  console.log(
    `  in the journal ${values.within} s after the last call ended: ${run.inJournalWithin}/${calls}` +
      `${promised ? '' : ` (stretch target: all: ${verdict(run.inJournalWithin === calls)})`}; all ${secondsText(run.settleMs)} after it`
  )
  console.log(
    `  pacing: worst frame per call late by median ${median(late).toFixed(0)} ms (max ${max(late).toFixed(0)} ms), ` +
      `call length over its audio by median ${median(drift).toFixed(0)} ms (max ${max(drift).toFixed(0)} ms); ` +
      `socket backlog max ${max(run.generated.map((c) => c.maxBacklogBytes))} bytes; calls took ${secondsText(run.callsMs)}`
  )
}

/**
 * One call at each of two lengths, pushed as fast as the socket takes it, `--fast-rounds` times,
 * alternating, each in a fresh app. The ratio is of the median peaks: on this kind of machine a
 * fresh app's idle RSS alone varies by ~10 MB from one start to the next (96–107 MB measured),
 * as much as the whole target, so one pair of runs cannot tell a length effect from that noise.
 */
async function fullSpeedRun(): Promise<void> {
  const lengths = [Number(values['fast-short']), Number(values['fast-long'])] as const
  const rounds = Math.max(1, Number(values['fast-rounds']))
  const peaks: [number[], number[]] = [[], []]
  for (let round = 1; round <= rounds; round++) {
    for (const [i, seconds] of lengths.entries()) {
      const run = await streamRun(1, seconds, false)
      peaks[i]!.push(run.peakRssBytes)
      console.log(
        `full speed, round ${round}/${rounds}: 1 call of ${seconds} s pushed as fast as the socket takes it: sent in ${secondsText(run.callsMs)} (${(seconds / (run.callsMs / 1000)).toFixed(0)}× real time), ` +
          `in the journal ${secondsText(run.settleMs)} later; exact: ${run.exact}/1 (target: exact): ${verdict(run.exact === 1)}`
      )
      console.log(`  ${memoryLine(run)} (target < 150 MB: ${verdict(run.peakRssBytes < 150 * MB)})`)
    }
  }
  const [short, long] = peaks.map((runs) => median(runs)) as [number, number]
  const ratio = long / short
  console.log(
    `full speed, memory against call length: median peak RSS ${mb(short)} at ${lengths[0]} s vs ${mb(long)} at ${lengths[1]} s over ${rounds} rounds, ` +
      `ratio ${ratio.toFixed(2)} (target: within 10%: ${verdict(ratio <= 1.1 && ratio >= 1 / 1.1)})`
  )
}

async function flatRun(): Promise<void> {
  const calls = Number(values['flat-calls'])
  const lengths = [Number(values['flat-short']), Number(values['flat-long'])] as const
  const runs: StreamFigures[] = []
  for (const seconds of lengths) {
    const run = await streamRun(calls, seconds, true)
    runs.push(run)
    console.log(`flat: ${calls} real-time calls × ${seconds} s: exact ${run.exact}/${calls}; ${memoryLine(run)}`)
  }
  const [short, long] = runs as [StreamFigures, StreamFigures]
  console.log(
    `flat, memory against call length: peak RSS ${mb(short.peakRssBytes)} at ${lengths[0]} s vs ${mb(long.peakRssBytes)} at ${lengths[1]} s ` +
      `(ratio ${(long.peakRssBytes / short.peakRssBytes).toFixed(2)})`
  )
}

async function recordRun(): Promise<void> {
  const simulator = await VonageSimulator.start({ latencyMs: 500 })
  const network = await startTestnet()
  const data = await makeTempDir('voice-journal-bench-')
  const app = await startApp('record', simulator, network.bootstrap, data.dir)
  try {
    const mp3 = loadCallerAudio().mp3()
    for (const round of ['first burst after start', 'second burst'] as const) {
      const before = (await app.call<JournalStatus>('getStatus')).entries
      const events = Array.from({ length: 100 }, () => {
        const file = simulator.recordings.add(mp3, 'audio/mpeg')
        return JSON.stringify({
          start_time: new Date().toISOString(),
          recording_url: `${simulator.url}/v1/files/${file.id}`,
          size: mp3.length,
          recording_uuid: randomUUID(),
          conversation_uuid: `CON-${randomUUID()}`,
          end_time: new Date().toISOString(),
          timestamp: new Date().toISOString()
        })
      })
      // Signed up front and sent with plain node:http, so the generator's own work is not timed.
      const signed = events.map((body) => ({ body, authorization: signCallback(simulator.account, body) }))
      const agent = new Agent({ keepAlive: true, maxSockets: 100 })
      const started = performance.now()
      const acks = await Promise.all(
        signed.map(
          ({ body, authorization }) =>
            new Promise<number>((resolve, reject) => {
              const sent = performance.now()
              request(
                `${app.info.localWebhookUrl}/recording`,
                { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: authorization } },
                (response) => {
                  response.resume()
                  response.on('end', () => (response.statusCode === 204 ? resolve(performance.now() - sent) : reject(new Error(`ack ${response.statusCode}`))))
                }
              )
                .on('error', reject)
                .end(body)
            })
        )
      )
      agent.destroy()
      for (;;) {
        if ((await app.call<JournalStatus>('getStatus')).entries === before + 100) break
        if (performance.now() - started > 60_000) throw new Error('not all entries within 60 s')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const allIn = performance.now() - started
      console.log(
        `record (${round}): 100 events at once, media server answering in 500 ms: acks median ${median(acks).toFixed(1)} ms, ` +
          `max ${max(acks).toFixed(1)} ms (target < 100: ${verdict(max(acks) < 100)}); ` +
          `all 100 entries in the journal after ${(allIn / 1000).toFixed(2)} s (target < 5 s: ${verdict(allIn < 5000)})`
      )
    }
  } finally {
    await app.stop()
    await simulator.close()
    await network.testnet.destroy()
    await data.cleanup()
  }
}

if (!values['skip-record']) await recordRun()
if (!values['skip-fast']) await fullSpeedRun()
if (!values['skip-stream']) await concurrentRun()
if (!values['skip-flat']) await flatRun()
