import { isIP } from 'node:net'

export interface BootstrapNode {
  host: string
  port: number
}

/** Parses `host:port,host:port` (IPv6 as `[::1]:port`), with a message naming the bad part. */
export function parseBootstrap(list: string): BootstrapNode[] {
  return list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(part)
      const host = match?.[1] ?? match?.[2]
      const port = Number(match?.[3])
      if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`Bootstrap node "${part}" is not host:port`)
      }
      return { host, port }
    })
}

/**
 * True when every node is on this machine. Such a network has no NAT to traverse, so the DHT is
 * bound to 127.0.0.1 and declared not firewalled; otherwise app processes on one machine never
 * finish a connection to each other (verified on these machines).
 */
export function isLoopbackNetwork(nodes: BootstrapNode[]): boolean {
  return nodes.length > 0 && nodes.every(({ host }) => host === 'localhost' || (isIP(host) === 4 ? host.startsWith('127.') : host === '::1'))
}
