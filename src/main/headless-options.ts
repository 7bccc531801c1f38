import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultDataDir } from './app/data-dir'
import { parseBootstrap, type BootstrapNode } from './network/bootstrap'

export interface HeadlessOptions {
  dataDir: string
  webhookPort: number
  webhookHost: string
  uiPort: number
  bootstrap?: BootstrapNode[]
}

export const HEADLESS_USAGE = `Usage: npm run serve -- [options]
  --data DIR            data directory (default: ${defaultDataDir()})
  --webhook-port N      public webhook port (default 3000; 0 picks a free one)
  --webhook-host HOST   address the webhook listener binds (default 0.0.0.0)
  --ui-port N           local window port on 127.0.0.1 (default 7350; 0 picks a free one)
  --bootstrap H:P,…     DHT bootstrap nodes (all loopback = a local network on this machine)`

/** Parses the headless command line; throws with a message fit to print on a bad flag. */
export function parseHeadlessOptions(argv: string[]): HeadlessOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      data: { type: 'string' },
      'webhook-port': { type: 'string', default: '3000' },
      'webhook-host': { type: 'string', default: '0.0.0.0' },
      'ui-port': { type: 'string', default: '7350' },
      bootstrap: { type: 'string' }
    }
  })
  return {
    dataDir: resolve(values.data ?? defaultDataDir()),
    webhookPort: port(values['webhook-port'], '--webhook-port'),
    webhookHost: values['webhook-host'],
    uiPort: port(values['ui-port'], '--ui-port'),
    ...(values.bootstrap ? { bootstrap: parseBootstrap(values.bootstrap) } : {})
  }
}

function port(text: string, flag: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${flag} must be a port number from 0 to 65535`)
  return value
}
