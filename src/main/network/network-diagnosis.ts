import type { NetworkDiagnosis, NetworkStatus } from '#shared/dto'

/**
 * The one line under the Network section: what the DHT and NAT readings mean for this journal's
 * readers, and what to do about it.
 */
export function diagnoseNetwork(status: Pick<NetworkStatus, 'dhtReachable' | 'nat'>): NetworkDiagnosis {
  if (!status.dhtReachable) {
    return { level: 'offline', text: 'This computer cannot reach the network: check the internet connection.' }
  }
  switch (status.nat) {
    case 'open':
      return { level: 'ok', text: 'Others can reach you directly.' }
    case 'random':
      return {
        level: 'limited',
        text: 'Your network blocks incoming connections: readers behind a similar network cannot reach you directly. An always-on host fixes this.'
      }
    case 'consistent':
      return {
        level: 'limited',
        text: 'Your network blocks incoming connections, but keeps the same outside port: holepunching usually works, so most readers can still reach you.'
      }
    case 'unknown':
      return { level: 'limited', text: 'Still finding out how others can reach this computer.' }
  }
}
