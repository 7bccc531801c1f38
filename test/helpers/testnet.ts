import createTestnet, { type Testnet } from 'hyperdht/testnet.js'

/** A private DHT of three nodes on 127.0.0.1, and its bootstrap list as the app takes it. */
export async function startTestnet(): Promise<{ testnet: Testnet; bootstrap: string }> {
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  return { testnet, bootstrap: testnet.bootstrap.map(({ host, port }) => `${host}:${port}`).join(',') }
}
