/**
 * What the swarm needs of a journal to put it on the network: its topic, a way to tell its cores
 * peers are being looked for, and its peers. A journal opened as a Hyperdrive (Journal) and a
 * private journal held at the core level (BlindHost) both are one.
 */
export interface SwarmMember {
  readonly id: string
  readonly discoveryKey: Buffer
  /** Until the returned function is called, a first `update({ wait: true })` waits for peers. */
  findingPeers(): () => void
  readonly peers: number
  on(event: 'peers', listener: () => void): unknown
  off(event: 'peers', listener: () => void): unknown
}

/**
 * What the library needs from the network: put a journal on it and take it off. The app's
 * `SwarmService` does this on Hyperswarm; tests give the library two Corestores piped into each
 * other instead, the Holepunch way, with no DHT. Peer counts come from each journal's own core.
 */
export interface JournalSwarm {
  /** Starts finding and serving peers of this journal; returns at once. */
  join(journal: SwarmMember): void
  leave(journal: SwarmMember): Promise<void>
}
