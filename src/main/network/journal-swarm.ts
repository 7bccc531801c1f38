import type { Journal } from '../journal/journal'

/**
 * What the library needs from the network: put a journal on it and take it off. The app's
 * `SwarmService` does this on Hyperswarm; tests give the library two Corestores piped into each
 * other instead, the Holepunch way, with no DHT. Peer counts come from each journal's own core.
 */
export interface JournalSwarm {
  /** Starts finding and serving peers of this journal; returns at once. */
  join(journal: Journal): void
  leave(journal: Journal): Promise<void>
}
