/**
 * One load-generator process for `bench:intake`: places its share of real-time streamed calls
 * on the app with the simulated account it is given, and reports per call what a check needs
 * (the SHA-256 of the PCM sent) instead of the audio itself. Several run side by side so the
 * generator, not the app, is never what falls behind.
 */
import { createHash } from 'node:crypto'
import { callerAudioFromPcm, VonageSimulator, type SimAccount } from '@voice-journal/vonage-sim'

export interface GeneratorJob {
  account: Omit<SimAccount, 'publicKey'>
  webhooks: string
  seeds: number[]
  seconds: number
  /** Real time (one frame per 20 ms, the default) or full speed: each frame as soon as the socket took the last. */
  realtime?: boolean
}

export interface GeneratedCall {
  seed: number
  uuid: string
  sha256: string
  maxLateMs: number
  maxBacklogBytes: number
  durationMs: number
  audioMs: number
  /** Why the audio leg failed or ended early (no socket, the app closed it…), if it did. */
  error?: string
}

/** A distinct tone per call (so a mix-up between calls cannot pass as exact). */
export function tone(seed: number, seconds: number): Int16Array {
  const samples = new Int16Array(16000 * seconds)
  const step = (2 * Math.PI * (200 + (seed % 400) * 3)) / 16000
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(5000 * Math.sin(step * i)) + (seed % 11)
  return samples
}

async function run(job: GeneratorJob): Promise<GeneratedCall[]> {
  const simulator = await VonageSimulator.start({ account: job.account })
  try {
    const handles = job.seeds.map((seed) => ({
      seed,
      call: simulator.placeCall({
        answerUrl: `${job.webhooks}/answer`,
        eventUrl: `${job.webhooks}/event`,
        audio: callerAudioFromPcm(tone(seed, job.seconds), `tone-${seed}`),
        realtime: job.realtime ?? true
      })
    }))
    return await Promise.all(
      handles.map(async ({ seed, call }) => {
        const result = await call.done
        const leg = result.streams[0]
        if (!leg) throw new Error(`call ${call.uuid} had no audio leg: ${result.error}`)
        return {
          seed,
          uuid: call.uuid,
          sha256: createHash('sha256').update(leg.bytes).digest('hex'),
          maxLateMs: leg.maxLateMs,
          maxBacklogBytes: leg.maxBacklogBytes,
          durationMs: result.durationMs,
          audioMs: leg.audioMs,
          ...(leg.endedBy === 'audio-end' ? {} : { error: `${leg.endedBy}${leg.closeCode ? ` (close code ${leg.closeCode})` : ''}${leg.error ? `: ${leg.error}` : ''}` })
        }
      })
    )
  } finally {
    await simulator.close()
  }
}

// Run as a child process: the job arrives as the first message, the results leave as the reply.
if (process.send) {
  process.once('message', (job: GeneratorJob) => {
    run(job).then(
      (calls) => process.send!({ calls }, () => process.exit(0)),
      (error: Error) => process.send!({ error: error.stack ?? error.message }, () => process.exit(1))
    )
  })
}
