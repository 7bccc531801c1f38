/** How long a receiver gets to answer before the attempt counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000

/** An attempt that was not acknowledged; `retryable` false means trying again cannot help as things stand. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable = true
  ) {
    super(message)
    this.name = 'DeliveryError'
  }
}

/**
 * POSTs a JSON body once. Only a 2xx answer is an acknowledgement: a redirect is not followed (a
 * message is never re-sent somewhere the user did not choose) and, like every other answer, no
 * connection or no answer in time, it throws a DeliveryError whose message says what happened.
 */
export async function postMessage(url: string, body: string, headers: Record<string, string>, signal: AbortSignal, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs)
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'VoiceJournal', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([signal, timeout])
    })
  } catch (error) {
    if (timeout.aborted) throw new DeliveryError(`No answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`)
    if (signal.aborted) throw new DeliveryError('Interrupted: the app was closing')
    throw new DeliveryError(`Could not reach ${new URL(url).host}: ${describeFetchFailure(error)}`)
  }
  // The answer's body means nothing to us; dropping it frees the connection for the next message.
  await response.body?.cancel().catch(() => {})
  if (response.status >= 200 && response.status < 300) return
  const redirect = response.status >= 300 && response.status < 400 ? ' (a redirect, which is not followed)' : ''
  throw new DeliveryError(`The receiver answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${redirect}`)
}

/** fetch hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, a TLS error…). */
function describeFetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (error as Error).message
}
