import { join } from 'node:path'
import { createSimAccount, VonageSimulator, type PhoneBehaviour, type SimAccount } from '@voice-journal/vonage-sim'
import type { IntakeMode } from '#shared/intake'
import { logger } from '../app/logging'
import type { Settings } from '../app/settings'
import { readJsonFile, writeJsonFile } from '../storage/json-file'

const log = logger('call-simulation')

/** Who a simulated hotline rings when no staff of one's own are listed (numbers from Ofcom's drama range). */
const SIMULATED_STAFF = [
  { name: 'Ana', number: '+447700900101' },
  { name: 'Ben', number: '+447700900102' },
  { name: 'Chloe', number: '+447700900103' }
] as const

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
    const mode = this.mode ?? settings.mode
    return {
      ...settings,
      applicationId: simulator.account.applicationId,
      privateKey: simulator.account.privateKey,
      signatureSecret: simulator.account.signatureSecret,
      apiHost: simulator.url,
      // The simulator reaches the app locally, whatever public address is configured.
      publicUrl: '',
      mode,
      // A hotline tried without staff of one's own rings simulated ones.
      ...(mode === 'hotline' && settings.hotlineStaff.length === 0 ? { hotlineStaff: SIMULATED_STAFF.map(({ name, number }) => ({ name, number })) } : {})
    }
  }

  /** Places a call in `mode`; resolves with its uuid once the call is under way. */
  async place(settings: Settings, mode: IntakeMode, onEnd: (error?: string) => void): Promise<string> {
    if (isVonageConfigured(settings)) throw new Error('A Vonage application is configured: call your number to try it for real.')
    const webhooks = this.localWebhooks()
    if (!webhooks) throw new Error('The webhook listener is not running.')
    const simulator = await this.start()
    this.mode = mode
    if (mode === 'hotline') this.simulateStaffPhones(simulator, this.effective(settings))
    const call = simulator.placeCall({ answerUrl: `${webhooks}/answer`, eventUrl: `${webhooks}/event` })
    call.done.then(
      (result) => onEnd(result.status === 'completed' ? undefined : result.error),
      (error: Error) => onEnd(error.message)
    )
    return call.uuid
  }

  /**
   * Every staff number rings a simulated phone: the first on the list answers after two rings
   * (unless it is the only one, then it answers after one), the second declines, the rest never answer.
   */
  private simulateStaffPhones(simulator: VonageSimulator, settings: Settings): void {
    settings.hotlineStaff.forEach((member, index) => {
      const phone: PhoneBehaviour = index === 0 ? { answer: 'after-rings', rings: 2 } : index === 1 ? { answer: 'decline', rings: 1 } : { answer: 'never' }
      simulator.phones.set(member.number.replace(/\D/g, ''), phone)
    })
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
