import { join } from 'node:path'
import { createSimAccount, VonageSimulator, type SimAccount } from '@voice-journal/vonage-sim'
import type { IntakeMode } from '#shared/intake'
import { logger } from '../app/logging'
import type { Settings } from '../app/settings'
import { readJsonFile, writeJsonFile } from '../storage/json-file'

const log = logger('call-simulation')

/**
 * "Simulate a call" for people without a Vonage account: the Vonage simulator (the workspace
 * package @voice-journal/vonage-sim, bundled into the build) calls this app's own webhooks, signed
 * and downloaded exactly as Vonage would. While no Vonage application is configured, intake runs
 * with the simulator's credentials (see `effective`); nothing else about the call's path differs
 * from a real one. This is the app's only use of the package (lint keeps it so).
 */
export class CallSimulation {
  private simulator: VonageSimulator | null = null
  private starting: Promise<VonageSimulator> | null = null
  private mode: IntakeMode | null = null

  constructor(
    private readonly dataDir: string,
    /** The app's webhook base on this machine (e.g. http://127.0.0.1:3000/webhooks), once listening. */
    private readonly localWebhooks: () => string | null
  ) {}

  /** The settings intake works with: the user's, or the simulator's while no account is set up. */
  effective(settings: Settings): Settings {
    const simulator = this.simulator
    if (!simulator || isVonageConfigured(settings)) return settings
    return {
      ...settings,
      applicationId: simulator.account.applicationId,
      privateKey: simulator.account.privateKey,
      signatureSecret: simulator.account.signatureSecret,
      apiHost: simulator.url,
      // The simulator reaches the app locally, whatever public address is configured.
      publicUrl: '',
      mode: this.mode ?? settings.mode
    }
  }

  /** Places a call in `mode`; resolves with its uuid once the call is under way. */
  async place(settings: Settings, mode: IntakeMode, onEnd: (error?: string) => void): Promise<string> {
    if (isVonageConfigured(settings)) throw new Error('A Vonage application is configured: call your number to try it for real.')
    const webhooks = this.localWebhooks()
    if (!webhooks) throw new Error('The webhook listener is not running.')
    const simulator = await this.start()
    this.mode = mode
    const call = simulator.placeCall({ answerUrl: `${webhooks}/answer`, eventUrl: `${webhooks}/event` })
    call.done.then(
      (result) => onEnd(result.status === 'completed' ? undefined : result.error),
      (error: Error) => onEnd(error.message)
    )
    return call.uuid
  }

  async close(): Promise<void> {
    await (await this.starting?.catch(() => null))?.close()
  }

  private start(): Promise<VonageSimulator> {
    this.starting ??= (async () => {
      // The same simulated account every run, so its credentials do not change under the app.
      const file = join(this.dataDir, 'intake', 'simulator-account.json')
      const saved = await readJsonFile<Partial<SimAccount>>(file, {})
      const { publicKey: _publicKey, ...fixed } = saved
      const account = createSimAccount(fixed)
      if (!saved.privateKey) await writeJsonFile(file, { ...account, publicKey: undefined })
      this.simulator = await VonageSimulator.start({
        account,
        onRequestError: (err, request) => log.error({ err, ...request }, 'the simulated Vonage API failed a request')
      })
      return this.simulator
    })()
    return this.starting
  }
}

export function isVonageConfigured(settings: Settings): boolean {
  return settings.applicationId !== '' && settings.privateKey !== ''
}
