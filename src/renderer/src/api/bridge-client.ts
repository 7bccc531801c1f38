import { ApiError, type ApiArgs, type ApiClient, type ApiMethod, type ApiResult } from '#shared/api'
import type { ApiBridge, ApiEnvelope } from '#shared/bridge'
import { buildApi } from './build-api'

/** Electron transport: the preload returns envelopes because error classes do not survive IPC. */
export function createBridgeClient(bridge: ApiBridge): ApiClient {
  async function call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>> {
    // TypeScript cannot tie the method name to its signature through the mapped type.
    const invoke = bridge[method] as unknown as (a: ApiArgs<M>) => Promise<ApiEnvelope<ApiResult<M>>>
    const envelope = await invoke(args)
    if (envelope.ok) return envelope.result
    throw new ApiError(envelope.error.code, envelope.error.message, envelope.error.field)
  }

  return {
    ...buildApi(call),
    on: (event, listener) => bridge.on(event, listener),
    audioUrl: (journal, path, version) => bridge.audioUrl(journal, path, version)
  }
}
