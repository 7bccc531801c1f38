import type { IntakeMode } from '#shared/intake'
import { strict as assert } from 'node:assert'
import type { EntryDto } from '#shared/dto'
import { callerAudioFromPcm, VonageSimulator, type CallerAudio, type CallResult, type SimulatorOptions } from '@voice-journal/vonage-sim'
import { waitFor } from './wait-for'
import { startHeadless, type HeadlessApp } from './headless-process'
import { makeTempDir } from './temp-dir'
import { startTestnet } from './testnet'

/**
 * The app as a separate process, configured (through the environment, as a user would) with a
 * simulated Vonage account whose simulator runs in the test: the production intake path end to end.
 */
export class IntakeHarness {
  app!: HeadlessApp
  /** The webhook port a restarted app listens on again (0: a free one each time). */
  private webhookPort = 0
  private constructor(
    readonly simulator: VonageSimulator,
    private readonly network: Awaited<ReturnType<typeof startTestnet>>,
    private readonly data: Awaited<ReturnType<typeof makeTempDir>>,
    private readonly mode: IntakeMode,
    private readonly env: NodeJS.ProcessEnv,
    private readonly keepWebhookPort: boolean
  ) {}

  /**
   * `env` adds to the app's environment (e.g. NOTIFY_* for the team's receivers); `simulator` tunes
   * the simulator (e.g. `ringMs`); `keepWebhookPort`: a restarted app listens where the first run
   * did, as a real one (a fixed port, a public URL) does, so Vonage's calls in progress reach it.
   */
  static async start(
    mode: IntakeMode,
    { env = {}, simulator = {}, keepWebhookPort = false }: { env?: NodeJS.ProcessEnv; simulator?: SimulatorOptions; keepWebhookPort?: boolean } = {}
  ): Promise<IntakeHarness> {
    const harness = new IntakeHarness(await VonageSimulator.start(simulator), await startTestnet(), await makeTempDir(), mode, env, keepWebhookPort)
    await harness.startApp()
    // No greeting: the tests are about the recording, and a spoken greeting only adds seconds.
    await harness.app.call('saveSettings', { greeting: '' })
    return harness
  }

  /** The testnet's bootstrap node (host:port): another peer joins the app's network with it. */
  get bootstrap(): string {
    return this.network.bootstrap
  }

  get webhooks(): string {
    return this.app.info.localWebhookUrl
  }

  /** The app's data directory (the same across restarts). */
  get dataDir(): string {
    return this.data.dir
  }

  async startApp(): Promise<void> {
    // A later --webhook-port wins over the helper's own "0".
    const port = this.webhookPort ? ['--webhook-port', String(this.webhookPort)] : []
    this.app = await startHeadless(this.data.dir, ['--bootstrap', this.network.bootstrap, ...port], {
      ...this.simulator.appEnvironment(),
      JOURNAL_MODE: this.mode,
      ...this.env
    })
    if (this.keepWebhookPort) this.webhookPort = Number(new URL(this.webhooks).port)
  }

  /** A clean stop (SIGTERM: every service closes), then a start on the same data directory. */
  async restart(): Promise<void> {
    await this.app.stop()
    await this.startApp()
  }

  /** SIGKILL, then start again on the same data directory. */
  async crashAndRestart(): Promise<void> {
    await this.app.kill()
    await this.startApp()
  }

  placeCall(options: Parameters<VonageSimulator['placeCall']>[0] = {}): ReturnType<VonageSimulator['placeCall']> {
    return this.simulator.placeCall({ answerUrl: `${this.webhooks}/answer`, eventUrl: `${this.webhooks}/event`, realtime: false, ...options })
  }

  /**
   * A hotline caller nobody answered: moved to the voicemail NCCO, left one message, and that
   * message is an entry, byte for byte. Returns the entry's path.
   */
  async voicemailLanded(result: CallResult): Promise<string> {
    assert.equal(result.status, 'completed', result.error)
    assert.equal(result.transferred, true, 'the waiting caller was moved to the voicemail NCCO')
    assert.ok(result.actions.includes('record'), result.actions.join(','))
    assert.equal(result.recordings.length, 1)
    const recording = result.recordings[0]!
    const path = `/recordings/${recording.startTime.slice(0, 4)}/${recording.startTime.slice(5, 7)}/${recording.recordingUuid}.mp3`
    await waitFor(async () => (await this.entries()).some((entry) => entry.path === path), 'the message lands as an entry', 20_000)
    assert.ok((await this.app.audio(path)).equals(recording.bytes))
    return path
  }

  entries(): Promise<EntryDto[]> {
    return this.app.call<EntryDto[]>('listEntries')
  }

  /** POSTs a body to a webhook as the given bytes, with the given Authorization. */
  post(path: string, body: string, authorization?: string, contentType = 'application/json'): Promise<Response> {
    return fetch(`${this.webhooks}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': contentType, ...(authorization ? { Authorization: authorization } : {}) },
      body
    })
  }

  async close(): Promise<void> {
    await this.app?.stop()
    await this.simulator.close()
    await this.network.testnet.destroy()
    await this.data.cleanup()
  }
}

/** `seconds` of a tone unique to `seed`, so every call's recording can be told apart. */
export function toneAudio(seed: number, seconds: number): CallerAudio {
  const samples = new Int16Array(Math.round(16000 * seconds))
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(6000 * Math.sin((2 * Math.PI * (220 + seed * 17) * i) / 16000) + (seed % 7))
  return callerAudioFromPcm(samples, `tone-${seed}`)
}

/** The PCM data of a WAV file (after the 44-byte header the app writes). */
export function wavData(bytes: Buffer): Buffer {
  const data = bytes.indexOf('data')
  return bytes.subarray(data + 8, data + 8 + bytes.readUInt32LE(data + 4))
}
