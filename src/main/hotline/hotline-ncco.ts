import type { Settings } from '../app/settings'
import { recordAction, type NccoAction } from '../intake/ncco'

/** Where the hotline's webhooks and music live on the public listener. */
export const HOTLINE_PATHS = {
  staffAnswer: '/webhooks/hotline/staff-answer',
  staffEvent: '/webhooks/hotline/staff-event',
  holdMusic: '/webhooks/hotline/hold-music.mp3'
} as const

const LANGUAGE = 'en-US'
const talk = (text: string): NccoAction => ({ action: 'talk', text, language: LANGUAGE })

/** The greeting a caller hears: the one set, or a sentence made from the hotline's name. */
export function hotlineGreeting(settings: Settings): string {
  return settings.hotlineGreeting || `Thank you for calling the ${settings.hotlineName} hotline. Please hold while we connect you to someone from the team.`
}

/** The music a waiting caller hears: the address set, or the track this app serves. */
export function holdMusicUrl(settings: Settings, publicBase: string): string {
  return settings.holdMusicUrl || `${publicBase}${HOTLINE_PATHS.holdMusic}`
}

/**
 * The caller's NCCO: the greeting, then a named conversation of its own where the caller waits
 * with music (`startOnEnter: false`) until a staff member joins; the whole conversation is
 * recorded and its recording posted like any other. Either side hanging up ends it.
 */
export function callerNcco(settings: Settings, publicBase: string, conversationName: string): NccoAction[] {
  return [
    talk(hotlineGreeting(settings)),
    {
      action: 'conversation',
      name: conversationName,
      musicOnHoldUrl: [holdMusicUrl(settings, publicBase)],
      startOnEnter: false,
      endOnExit: true,
      record: true,
      // Must be an array, as for `record`.
      eventUrl: [`${publicBase}/webhooks/recording`],
      eventMethod: 'POST'
    }
  ]
}

/** The first staff member to answer: the whisper (only they hear it), then into the caller's conversation. */
export function staffJoinNcco(settings: Settings, staffName: string, conversationName: string, callerNumber: string | null): NccoAction[] {
  const caller = callerNumber ? ` The caller's number is ${spellNumber(callerNumber)}.` : ''
  return [
    talk(`Hello ${staffName}, connecting you to the ${settings.hotlineName} hotline.${caller}`),
    { action: 'conversation', name: conversationName, startOnEnter: true, endOnExit: true }
  ]
}

/** A staff member who answers after someone else did: one sentence, then the call ends. */
export function staffTooLateNcco(): NccoAction[] {
  return [talk('Someone else from the team has taken this call. Thank you.')]
}

/** What the caller hears as the first staff member joins (spoken into the caller's leg). */
export function joiningAnnouncement(staffName: string): string {
  return `${staffName} is joining this call.`
}

/** Nobody answered and messages are taken: the caller leaves one, recorded like a record-mode entry. */
export function voicemailNcco(settings: Settings, publicBase: string): NccoAction[] {
  return [
    talk(`Nobody from the ${settings.hotlineName} team could take your call. Please leave a message after the beep, and hang up when you are done.`),
    recordAction(settings, publicBase),
    talk('Thank you. Your message is saved.')
  ]
}

/** Nobody answered and no messages are taken. */
export function unansweredNcco(settings: Settings): NccoAction[] {
  return [talk(`Sorry, nobody from the ${settings.hotlineName} team could take your call. Please try again later. Goodbye.`)]
}

/** "+44 7700…" read digit by digit, so text-to-speech does not say "four hundred and forty…". */
function spellNumber(number: string): string {
  return number.replace(/\D/g, '').split('').join(' ')
}
