import type { Settings } from '../app/settings'
import { greeting, recordAction, type AnswerContext, type NccoAction } from './ncco'

/**
 * Several recordings in one call (record mode with `severalRecordings`): after each recording the
 * caller may press 1 to record another. Each recording is its own `record` action, so Vonage posts
 * each one to /webhooks/recording as it ends, and each becomes its own entry.
 */

/** Recordings one call may make: a caller who keeps pressing 1 cannot record forever. */
export const MAX_RECORDINGS_PER_CALL = 20
/** The key that asks for another recording. */
export const ANOTHER_RECORDING_KEY = '1'

const PROMPT = 'Saved. Press 1 to record another, or hang up.'
const GOODBYE = 'Thank you. Your recordings are saved.'
/** How long the caller has to press a key after the prompt (Vonage allows up to 10). */
const PROMPT_SECONDS = 5

/** The answer: the greeting, then the first recording. */
export function firstRecordingNcco({ settings, publicBase }: AnswerContext): NccoAction[] {
  return [...greeting(settings), ...recordingNcco(settings, publicBase, 1)]
}

/**
 * Recording number `part`, then the prompt and a one-key input whose event asks for the next NCCO.
 * The input's URL carries how many recordings the call has made (Vonage keeps an event URL's
 * query), so the limit needs no state here: it holds across restarts in mid-call.
 */
export function recordingNcco(settings: Settings, publicBase: string, part: number): NccoAction[] {
  if (part >= MAX_RECORDINGS_PER_CALL) return [recordAction(settings, publicBase), goodbye()]
  return [
    recordAction(settings, publicBase),
    { action: 'talk', text: PROMPT, language: 'en-US' },
    {
      action: 'input',
      type: ['dtmf'],
      dtmf: { maxDigits: 1, timeOut: PROMPT_SECONDS },
      eventUrl: [`${publicBase}/webhooks/input?${new URLSearchParams({ part: String(part) })}`],
      eventMethod: 'POST'
    }
  ]
}

/**
 * The reply to the prompt's input event: another recording for the key that asks for one (while
 * the call is under the limit and the option still on), else a goodbye, after which the call ends.
 */
export function afterPromptNcco(settings: Settings, publicBase: string, part: number, digits: string): NccoAction[] {
  const another = digits === ANOTHER_RECORDING_KEY && part < MAX_RECORDINGS_PER_CALL && settings.mode === 'record' && settings.severalRecordings
  return another ? recordingNcco(settings, publicBase, part + 1) : [goodbye()]
}

function goodbye(): NccoAction {
  return { action: 'talk', text: GOODBYE, language: 'en-US' }
}
