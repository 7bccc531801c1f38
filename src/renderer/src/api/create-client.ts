import type { ApiClient } from '#shared/api'
import { createBridgeClient } from './bridge-client'
import { createHttpClient } from './http-client'
import { takeSessionToken } from './session-token'

/** Electron's preload exposes the bridge; anywhere else the page came from the headless host. */
export function createApiClient(): ApiClient {
  const bridge = window.voiceJournal
  return bridge ? createBridgeClient(bridge) : createHttpClient(takeSessionToken())
}
