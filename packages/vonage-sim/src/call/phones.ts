/**
 * The simulated phones the app dials through `POST /v1/calls` (the staff of a hotline): how each
 * number behaves when it rings. Numbers are E.164 digits without "+", as the Voice API takes them.
 */

/** How a phone answers a call. */
export type PhoneBehaviour = (
  | /** Answers after `rings` rings (the call reports `answered`). */ { answer: 'after-rings'; rings: number }
  | /** Declines after `rings` rings (default 1): `rejected`. */ { answer: 'decline'; rings?: number }
  | /** Busy at once: `busy`. */ { answer: 'busy' }
  | /** Rings until the call's `ringing_timer`: `timeout`. */ { answer: 'never' }
  | /** The network cannot reach it: `failed`. */ { answer: 'fail' }
  | /** Rings until the test picks it up (`phones.pickUp(number)`): `answered`; else until the call's `ringing_timer`: `timeout`. */ { answer: 'on-pick-up' }
) & {
  /** How long the person stays once in a conversation before hanging up (default: until it ends or they are alone). */
  talkMs?: number
}

/** A phone nobody configured answers after one ring, as a person on call would. */
export const DEFAULT_PHONE: PhoneBehaviour = { answer: 'after-rings', rings: 1 }

/** Real phones ring for about 3 s per ring; `ringing_timer` seconds are counted in these rings. */
export const PHONE_RING_MS = 3000

export class Phones {
  private readonly behaviours = new Map<string, PhoneBehaviour>()
  /** The `on-pick-up` phones ringing now, by number: what picks each up. */
  private readonly ringing = new Map<string, Set<() => void>>()

  /** Sets how `number` answers from now on (calls already ringing keep what they had). */
  set(number: string, behaviour: PhoneBehaviour): this {
    if (!/^\d{6,15}$/.test(number)) throw new Error(`${number} is not an E.164 number without "+"`)
    const rings = 'rings' in behaviour ? behaviour.rings : undefined
    if (rings !== undefined && (!Number.isInteger(rings) || rings < 0)) throw new Error(`rings must be a whole number ≥ 0, not ${rings}`)
    if (behaviour.talkMs !== undefined && !(behaviour.talkMs >= 0)) throw new Error(`talkMs must be ≥ 0, not ${behaviour.talkMs}`)
    this.behaviours.set(number, behaviour)
    return this
  }

  /** How `number` answers: as set, else after one ring. */
  get(number: string): PhoneBehaviour {
    return this.behaviours.get(number) ?? DEFAULT_PHONE
  }

  /**
   * Someone picks up every `on-pick-up` phone of `number` that is ringing now (a test decides when,
   * e.g. once the app has restarted); returns how many were picked up.
   */
  pickUp(number: string): number {
    const ringing = [...(this.ringing.get(number) ?? [])]
    this.ringing.delete(number)
    for (const pick of ringing) pick()
    return ringing.length
  }

  /** Resolves when `number` is picked up; rejects when `signal` aborts (the leg stopped ringing). */
  pickedUp(number: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error)
      const ringing = this.ringing.get(number) ?? new Set<() => void>()
      this.ringing.set(number, ringing)
      const stop = (): void => {
        ringing.delete(pick)
        reject(signal.reason as Error)
      }
      const pick = (): void => {
        signal.removeEventListener('abort', stop)
        resolve()
      }
      ringing.add(pick)
      signal.addEventListener('abort', stop, { once: true })
    })
  }

  delete(number: string): boolean {
    return this.behaviours.delete(number)
  }

  clear(): void {
    this.behaviours.clear()
  }
}
