/** When a message that was not acknowledged is sent again, and when the outbox stops trying. */
export interface RetryPolicy {
  /** Wait before the first retry; each later one waits twice as long… */
  baseMs: number
  /** …up to this. */
  capMs: number
  /** Attempts in all; after the last one fails the message is kept as failed, to retry from the window. */
  maxAttempts: number
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1000, capMs: 5 * 60_000, maxAttempts: 12 }

/** Used by tests only, to wait milliseconds instead of minutes: `base,cap` (e.g. `200,1000`). */
export const RETRY_ENVIRONMENT_VARIABLE = 'VOICE_JOURNAL_NOTIFY_RETRY_MS'

/**
 * The wait after failed attempt `attempt` (1-based): doubling from the base to the cap, then
 * jittered to between half and all of it, so messages that failed together (a receiver that was
 * down) do not all come back at the same instant.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const full = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(full / 2 + (random() * full) / 2)
}

/** The policy in force: the default, or the test override from the environment. */
export function retryPolicyFromEnvironment(env: NodeJS.ProcessEnv): RetryPolicy {
  const raw = env[RETRY_ENVIRONMENT_VARIABLE]?.trim()
  if (!raw) return DEFAULT_RETRY
  const [base, cap] = raw.split(',').map((part) => Number(part.trim()))
  if (!Number.isFinite(base) || base! <= 0 || (cap !== undefined && (!Number.isFinite(cap) || cap < base!))) {
    throw new Error(`${RETRY_ENVIRONMENT_VARIABLE} must be "base,cap" in milliseconds, e.g. 200,1000`)
  }
  return { ...DEFAULT_RETRY, baseMs: base!, capMs: cap ?? Math.max(base!, DEFAULT_RETRY.capMs) }
}
