import { API_METHODS, type ApiArgs, type ApiMethod, type ApiResult, type VoiceJournalApi } from '#shared/api'

export type CallFn = <M extends ApiMethod>(method: M, args: ApiArgs<M>) => Promise<ApiResult<M>>

/** Both transports differ only in how one call travels; the method table is the contract's own list. */
export function buildApi(call: CallFn): VoiceJournalApi {
  return Object.fromEntries(API_METHODS.map((method) => [method, (args?: ApiArgs<typeof method>) => call(method, args as ApiArgs<typeof method>)])) as VoiceJournalApi
}
