import moment from 'moment'
import type { HeldElsewhere } from '#shared/dto'
import { describeHeldElsewhere } from '#shared/held-elsewhere'

/** "Safe on 2 other devices · last change copied 3 minutes ago", relative to `now` (a useNow clock). */
export function heldElsewhereText(held: HeldElsewhere, now: number): string {
  // Clamped to `now`, as the status boxes do, so a time a moment ahead never reads "in a few seconds".
  return describeHeldElsewhere(held, (at) => moment(Math.min(at, now)).from(now))
}
