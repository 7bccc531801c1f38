/**
 * `npm run bench:intake -- [--calls 500] [--seconds 60] [--flat-calls 50] [--flat-short 60] [--flat-long 600] [--skip-stream] [--skip-record]`
 *
 * Stream: N concurrent real-time calls from the simulator (the load generator, in this process)
 * into the app (a separate headless process). Prints the app's CPU and peak RSS, whether frames
 * kept real-time pace, and whether every recording is exact, sample for sample. Then the same
 * with fewer calls at two call lengths, to show memory is flat in call length.
 * Record: 100 recording events at once against a media server that answers in 500 ms; prints
 * every acknowledgement's latency and when the last entry is in the journal.
 * Targets (issue 3): 500 calls exact, peak RSS < 300 MB, flat in length; acks < 100 ms, all in 5 s.
 */
import { fork } from 'node:child_process'
import { createHash } from 'node:crypto'
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { loadCallerAudio, signCallback, VonageSimulator } from '@voice-journal/vonage-sim'
import type { JournalStatus } from '#shared/dto'
import type { IntakeMode } from '#shared/intake'
import { startHeadless, type HeadlessApp } from '../test/helpers/headless-process'
import { wavData } from '../test/helpers/intake-harness'
import { makeTempDir } from '../test/helpers/temp-dir'
import { startTestnet } from '../test/helpers/testnet'
import { ProcessMeter } from './process-meter'
import { max, mb, median } from './stats'
import type { GeneratedCall, GeneratorJob } from './stream-generator'

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '60' },
    'flat-calls': { type: 'string', default: '50' },
    'flat-short': { type: 'string', default: '60' },
    'flat-long': { type: 'string', default: '600' },
    'skip-stream': { type: 'boolean', default: false },
    'skip-flat': { type: 'boolean', default: false },
    'skip-record': { type: 'boolean', default: false },
    generators: { type: 'string', default: '2' }
  }
})


async function startApp(mode: IntakeMode, simulator: VonageSimulator, bootstrap: string, dir: string): Promise<HeadlessApp> {
  const app = await startHeadless(dir, ['--bootstrap', bootstrap], { ...simulator.appEnvironment(), JOURNAL_MODE: mode })
  await app.call('saveSettings', { greeting: '', maxSeconds: 7200 })
  return app
}

async function streamRun(calls: number, seconds: number, label: string): Promise<{ peakRssBytes: number }> {
  const simulator = await VonageSimulator.start()
  const network = await startTestnet()
  const data = await makeTempDir('voice-journal-bench-')
  const app = await startApp('stream', simulator, network.bootstrap, data.dir)
  let meter: ProcessMeter | undefined
  app.process.once('exit', (code, signal) => {
    if (code !== 0) console.error(`the app exited during the run (${code ?? signal}):\n${app.stderr().slice(-3000)}`)
  })
  try {
    const idleRss = new ProcessMeter(app.process.pid!, 250).stop().peakRssBytes
    meter = new ProcessMeter(app.process.pid!, 250)
    const started = performance.now()
    // The calls are placed by separate generator processes, each with its share.
    const generatorCount = Math.max(1, Number(values.generators))
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
              child.send({ account, webhooks: app.info.localWebhookUrl, seeds, seconds } satisfies GeneratorJob)
            })
        )
      )
    ).flat()
    const callsDone = performance.now()
    const peakDuringCalls = meter.peak
    // Every entry in the journal, then the meter stops: adding the WAVs is part of the work.
    for (;;) {
      const status = await app.call<JournalStatus>('getStatus')
      if (status.entries >= calls) break
      if (performance.now() - callsDone > 120_000) throw new Error(`only ${status.entries} of ${calls} entries after 2 minutes`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const settled = performance.now()
    const usage = meter.stop()
    let exact = 0
    const entries = await app.call<Array<{ path: string }>>('listEntries')
    for (const call of generated) {
      const entry = entries.find((e) => e.path.endsWith(`/${call.uuid}.wav`))
      if (entry && createHash('sha256').update(wavData(await app.audio(entry.path))).digest('hex') === call.sha256) exact++
    }
    const late = generated.map((c) => c.maxLateMs)
    const drift = generated.map((c) => c.durationMs - c.audioMs)
    console.log(
      `${label}: ${calls} concurrent calls × ${seconds} s from ${generatorCount} generator processes: ${exact}/${calls} exact; ` +
        `app CPU ${usage.cpuPercent.toFixed(0)}% of one core, peak RSS ${mb(usage.peakRssBytes)} (${mb(peakDuringCalls)} while the calls ran; idle ${mb(idleRss)}); ` +
        `pacing: worst frame per call late by median ${median(late).toFixed(0)} ms (max ${max(late).toFixed(0)} ms), call length over its audio by median ${median(drift).toFixed(0)} ms (max ${max(drift).toFixed(0)} ms); ` +
        `socket backlog max ${max(generated.map((c) => c.maxBacklogBytes))} bytes; calls ${((callsDone - started) / 1000).toFixed(1)} s, ` +
        `all entries ${((settled - callsDone) / 1000).toFixed(1)} s after the last call ended`
    )
    return usage
  } finally {
    meter?.stop()
    await app.stop()
    await simulator.close()
    await network.testnet.destroy()
    await data.cleanup()
  }
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
          `max ${max(acks).toFixed(1)} ms (target < 100); all 100 entries in the journal after ${(allIn / 1000).toFixed(2)} s (target < 5 s)`
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
if (!values['skip-stream']) await streamRun(Number(values.calls), Number(values.seconds), 'stream')
if (!values['skip-flat']) {
  const calls = Number(values['flat-calls'])
  const short = await streamRun(calls, Number(values['flat-short']), 'flat (short)')
  const long = await streamRun(calls, Number(values['flat-long']), 'flat (long)')
  console.log(`memory flat in call length: peak RSS ${mb(short.peakRssBytes)} at ${values['flat-short']} s vs ${mb(long.peakRssBytes)} at ${values['flat-long']} s (ratio ${(long.peakRssBytes / short.peakRssBytes).toFixed(2)})`)
}
