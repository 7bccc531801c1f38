/**
 * What happened, for the team: emitted by phone intake (entries, failed downloads) and by the
 * hotline (calls). `callId` is an opaque id, never a phone number. `callerNumber` is only ever
 * sent when settings.showCallerNumber is on; the Notifier drops it otherwise.
 */
export type TeamEvent =
  | { type: 'call-started'; callId: string; hotline: string; at: number; callerNumber?: string }
  | { type: 'call-answered'; callId: string; hotline: string; at: number; staffName: string; waitedMs: number }
  | { type: 'call-missed'; callId: string; hotline: string; at: number; outcome: 'voicemail' | 'abandoned' | 'unanswered'; waitedMs: number }
  | { type: 'entry-added'; at: number; journal: string; entryPath: string; title: string; callId?: string }
  | { type: 'download-failed'; at: number; recordingUuid: string; reason: string }
  | { type: 'test'; at: number }

export type TeamEventType = TeamEvent['type']
