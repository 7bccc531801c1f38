/**
 * A local simulator of the Vonage Voice API side, for tests, `npm run simulate-call` and the
 * app's "Simulate a call": an API host (recording downloads, Applications API) and a caller that
 * places signed webhooks, records and streams like Vonage. See docs in each module.
 */
export { createSimAccount, type SimAccount } from './account'
export type { VonageApplication, WebhookAddress } from './api/applications-api'
export type { CallHandle, CallResult, PlaceCallOptions, SimRecording } from './call/call-options'
export { CALLER_SAMPLE_RATE, callerAudioFromPcm, loadCallerAudio, wavToPcm, type CallerAudio } from './caller/caller-audio'
export { payloadHash, signCallback, type SignatureOverrides, type SigningMode } from './webhooks/callback-signing'
export { checkDownloadAuth } from './api/download-auth'
export type { DownloadRecord, FakeBody } from './api/files-api'
export { NCCO_SYNTAX_ERROR } from './ncco/actions'
export { CALLER_AUDIO_FILES, callerAudioDir } from './caller/resources'
export { VonageSimulator, type SimulatorOptions } from './simulator'
export { FRAME_MS, pcmFrames, type StreamLegResult } from './call/websocket-leg'
export type { SentCallback } from './webhooks/webhook-client'
