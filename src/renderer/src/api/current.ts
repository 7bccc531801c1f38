import type { ApiClient } from '#shared/api'

let current: ApiClient | null = null

/** Set once at start-up; stores reach the transport through `useApi` instead of importing one. */
export function provideApi(client: ApiClient): void {
  current = client
}

export function useApi(): ApiClient {
  if (!current) throw new Error('The API client is used before start-up provided it.')
  return current
}
