import { Vonage } from '@vonage/server-sdk'
import type { Settings } from '../app/settings'
import type { NccoAction } from '../intake/ncco'

/** What the hotline asks of Vonage's Calls API while a call runs. */
export interface StaffDialer {
  /** Rings one staff member; resolves with the new leg's uuid once Vonage has taken the request. */
  dial(request: DialRequest): Promise<string>
  /** Speaks into a live leg (the caller hears who is joining). */
  say(legUuid: string, text: string): Promise<void>
  hangUp(legUuid: string): Promise<void>
  /** Replaces what a leg is doing with a new NCCO (the waiting caller goes to voicemail). */
  transfer(legUuid: string, ncco: NccoAction[]): Promise<void>
}

export interface DialRequest {
  /** E.164, with or without "+". */
  to: string
  /** The number staff see calling: the hotline's Vonage number, E.164. */
  from: string
  answerUrl: string
  eventUrl: string
  ringSeconds: number
}

const digits = (number: string): string => number.replace(/\D/g, '')

/**
 * The Calls API through the SDK (`createOutboundCall`, `playTTS`, `hangupCall`,
 * `transferCallWithNCCO`), authenticated with the application's JWT and sent to
 * `VONAGE_API_HOST` when it is set, like every other Vonage request. Each call reads the settings
 * in force, so a changed key or host applies to the next request.
 */
export function vonageStaffDialer(settings: () => Settings): StaffDialer {
  const voice = (): Vonage['voice'] => {
    const { applicationId, privateKey, apiHost } = settings()
    if (!applicationId || !privateKey) throw new Error('Hotline mode needs the Vonage application id and private key, to ring the staff.')
    return new Vonage({ applicationId, privateKey }, apiHost ? { apiHost } : {}).voice
  }
  return {
    async dial({ to, from, answerUrl, eventUrl, ringSeconds }) {
      const result = await voice().createOutboundCall({
        to: [{ type: 'phone', number: digits(to) }],
        from: { type: 'phone', number: digits(from) },
        answerUrl: [answerUrl],
        answerMethod: 'GET',
        eventUrl: [eventUrl],
        eventMethod: 'POST',
        ringingTimer: ringSeconds
      } as Parameters<Vonage['voice']['createOutboundCall']>[0])
      if (!result.uuid) throw new Error('Vonage did not return the new call’s uuid')
      return result.uuid
    },
    async say(legUuid, text) {
      await voice().playTTS(legUuid, { text, language: 'en-US' } as Parameters<Vonage['voice']['playTTS']>[1])
    },
    async hangUp(legUuid) {
      await voice().hangupCall(legUuid)
    },
    async transfer(legUuid, ncco) {
      await voice().transferCallWithNCCO(legUuid, ncco as unknown as Parameters<Vonage['voice']['transferCallWithNCCO']>[1])
    }
  }
}
