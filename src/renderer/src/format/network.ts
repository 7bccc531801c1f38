import type { NetworkConnection, NetworkStatus } from '#shared/dto'

/** "Can others reach this computer?" in plain words. */
export function reachabilityText(status: NetworkStatus): string {
  if (!status.dhtReachable) return 'Unknown: the network cannot be reached'
  switch (status.nat) {
    case 'open':
      return 'Yes: not firewalled'
    case 'consistent':
      return 'Only by holepunching: firewalled, the router keeps one outside port'
    case 'random':
      return 'Rarely: firewalled, the router changes ports for every peer'
    case 'unknown':
      return 'Not known yet'
  }
}

/** The address peers see, or why there is none to show. */
export function addressText(status: NetworkStatus): string {
  if (!status.address) return 'Not known yet'
  return status.address.port === 0 ? `${status.address.host} (the port changes for every peer)` : `${status.address.host}:${status.address.port}`
}

const HOW: Record<NetworkConnection['how'], string> = {
  direct: 'Direct',
  holepunched: 'Holepunched',
  unknown: 'Not connected yet'
}

export function connectionHow(connection: NetworkConnection): string {
  return `${HOW[connection.how]}${connection.relayed ? ', relayed' : ''}`
}
