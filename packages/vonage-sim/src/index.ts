/**
 * A local simulator of the Vonage Voice API, for tests, the `vonage-sim` command and Voice Journal's
 * "Simulate a call": the API host an app downloads recordings from and manages its application on,
 * and the caller that places signed webhooks, runs the NCCO, records and streams like Vonage. This
 * is the package's whole public API; README.md describes it.
 */

// The simulator and its account.
export { VonageSimulator, type SimulatorEvents, type SimulatorOptions } from './simulator'
export { createSimAccount, type SimAccount } from './account'

// Calls: what to place, what happened.
export type { CallHandle, CallResult, LegLog, MusicOnHold, PlaceCallOptions, SimRecording, SimTranscription } from './call/call-options'

// The hotline: staff phones the app dials, the legs it placed, named conversations.
export { DEFAULT_PHONE, PHONE_RING_MS, Phones, type PhoneBehaviour } from './call/phones'
export type { OutboundCallRecord } from './call/outbound-call'
export type { HungUpBy, LegState } from './call/call-leg'
export { Conversations, SimConversation, type ConversationMember } from './call/conversations'
export type { InvalidParameter, OutboundRequest } from './api/call-request'
export { FRAME_MS, pcmFrames, type StreamLegResult } from './call/websocket-leg'
export type { SentCallback } from './webhooks/webhook-client'
export { NCCO_SYNTAX_ERROR, parseNcco, type ConversationAction, type NccoAction, type TranscriptionRequest } from './ncco/actions'

// What the caller says.
export { CALLER_SAMPLE_RATE, callerAudioFromPcm, loadCallerAudio, wavToPcm, type CallerAudio } from './caller/caller-audio'
export { CALLER_AUDIO_FILES, CALLER_TRANSCRIPT_FILE, callerAudioDir } from './caller/resources'
// What the caller says, with the time of every word: Vonage's transcript JSON, and speech made with it.
export { cutTranscript, type SimTranscript, type SimTranscriptSentence, type SimTranscriptWord } from './caller/transcript'
export { speechWithTranscript } from './caller/speech'

// Fault knobs, and signatures forged by hand.
export { SIGNING_MODES, type CallFaults, type FakeBody, type SigningMode } from './faults'
export { payloadHash, signCallback, type SignatureOverrides } from './webhooks/callback-signing'

// The API host's records and checks.
export type { VonageApplication, WebhookAddress } from './api/applications-api'
export type { DownloadRecord } from './api/files-api'
export { checkDownloadAuth } from './api/download-auth'
