import type { ApiEvents } from '#shared/api'

/** New entries appeared in a journal: from a phone call (own journal) or from a peer (followed journal). */
export interface EntriesAdded {
  journal: string
  /** The library's name for the journal. */
  name: string
  writable: boolean
  /** 'call': the intake added it (record or stream); 'peer': it replicated in from someone else. */
  source: 'call' | 'peer'
  entries: Array<{ path: string; title?: string }>
}

/**
 * What AppServices emits: every event the window receives (ApiEvents, forwarded by both
 * transports) plus main-process-only ones the desktop adapter (notifications, tray) listens to.
 */
export type AppEvents = { [E in keyof ApiEvents]: [ApiEvents[E]] } & {
  'entries-added': [EntriesAdded]
}
