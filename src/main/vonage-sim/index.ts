/**
 * A local simulator of the Vonage Voice API side, for tests, `npm run simulate-call` and the
 * app's "Simulate a call": an API host (recording downloads, Applications API) and a caller that
 * places signed webhooks, records and streams like Vonage. See docs in each module.
 */
export { createSimAccount, type SimAccount } from './account'
export type { VonageApplication, WebhookAddress } from './applications-api'
export type { CallHandle, CallResult, PlaceCallOptions, SimRecording } from './call-options'
export { CALLER_SAMPLE_RATE, callerAudioFromPcm, loadCallerAudio, wavToPcm, type CallerAudio } from './caller-audio'
export { payloadHash, signCallback, type SignatureOverrides, type SigningMode } from './callback-signing'
export { checkDownloadAuth } from './download-auth'
export type { DownloadRecord, FakeBody } from './files-api'
export { NCCO_SYNTAX_ERROR } from './ncco'
export { simulatorResourcesDir } from './resources'
export { VonageSimulator, type SimulatorOptions } from './simulator'
export { FRAME_MS, pcmFrames, type StreamLegResult } from './websocket-leg'
export type { SentCallback } from './webhook-client'
