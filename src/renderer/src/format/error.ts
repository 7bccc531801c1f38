import { ApiError } from '#shared/api'

/** A sentence a person can act on, whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message || `The service reported “${err.code}”.`
  if (err instanceof Error) return err.message
  return String(err)
}
