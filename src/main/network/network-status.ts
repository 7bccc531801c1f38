import type HyperDHT from 'hyperdht'
import type { HypercoreLike } from 'hyperdrive'
import type { SwarmConnection } from 'hyperswarm'
import { encode as encodeKey } from 'hypercore-id-encoding'
import type { NetworkConnection, NetworkStatus } from '#shared/dto'
import { diagnoseNetwork } from './network-diagnosis'

/** A journal as the Network section lists it: its index core's peers say which connections carry it. */
export interface NetworkMember {
  key: string
  name: string
  index: HypercoreLike
}

export interface NetworkSources {
  dht: HyperDHT
  /** Every open connection of the swarm. */
  connections: Iterable<SwarmConnection>
  journals: NetworkMember[]
}

/**
 * Reads, at the moment it is called, what hyperdht knows of this computer's place on the network
 * and what each open connection carries. Nothing is kept between calls.
 */
export function readNetworkStatus({ dht, connections, journals }: NetworkSources): NetworkStatus {
  // dht.host is what DHT nodes answered they saw: null until one answered at all.
  const dhtReachable = dht.bootstrapped && dht.host !== null && dht.online
  const nat = dht.host === null ? 'unknown' : !dht.firewalled ? 'open' : dht.randomized ? 'random' : 'consistent'
  const described = new Map<SwarmConnection, NetworkConnection>()
  for (const connection of connections) described.set(connection, describe(connection, dht))
  return {
    dhtReachable,
    firewalled: dht.firewalled,
    nat,
    address: dht.host === null ? null : { host: dht.host, port: dht.port },
    connections: described.size,
    // The whole Corestore replicates over every connection, so a connection serves a journal
    // exactly when the journal's index core has a peer on it (a peer opens the index first).
    journals: journals.map(({ key, name, index }) => ({
      key,
      name,
      connections: index.peers.flatMap((peer) => {
        const connection = described.get(peer.stream)
        return connection ? [connection] : []
      })
    })),
    diagnosis: diagnoseNetwork({ dhtReachable, nat })
  }
}

function describe(connection: SwarmConnection, dht: HyperDHT): NetworkConnection {
  const raw = connection.rawStream
  return {
    remoteHost: raw?.remoteHost ?? '',
    remotePort: raw?.remotePort ?? 0,
    peer: encodeKey(connection.remotePublicKey),
    initiatedHere: connection.isInitiator,
    how: howConnected(raw?.socket ?? null, dht),
    // Voice Journal gives hyperdht and Hyperswarm no `relayThrough`, so no connection of it is
    // ever relayed (hyperdht relays only through a relay one side asked for).
    relayed: false,
    bytesSent: raw?.bytesTransmitted ?? 0,
    bytesReceived: raw?.bytesReceived ?? 0,
    rttMs: raw?.rtt ?? 0
  }
}

/**
 * hyperdht says nothing about how a connection was made (holepunchto/hyperdht#303), but the UDP
 * socket it runs on tells (hyperdht 6.34, lib/connect.js and lib/server.js): when one side
 * announced an open address (it is not firewalled), the other dials or answers it over the
 * DHT's own socket (`dht.socket`, or the server socket for the LAN shortcut); a holepunch is
 * always done by a Holepuncher over a socket it takes from hyperdht's socket pool, never the
 * DHT's own. So the DHT's own sockets mean direct, any other socket holepunched. Relayed
 * connections would keep the relay's socket, but the app configures none (see `relayed`).
 */
function howConnected(socket: unknown, dht: HyperDHT): NetworkConnection['how'] {
  if (socket === null) return 'unknown'
  return socket === dht.io.serverSocket || socket === dht.io.clientSocket ? 'direct' : 'holepunched'
}
