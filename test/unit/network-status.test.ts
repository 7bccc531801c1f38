import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import type { NetworkStatus } from '#shared/dto'
import { parseBootstrap } from '../../src/main/network/bootstrap'
import { diagnoseNetwork } from '../../src/main/network/network-diagnosis'
import { SwarmService } from '../../src/main/network/swarm-service'
import { JournalStore } from '../../src/main/journal/journal-store'
import type { Journal } from '../../src/main/journal/journal'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'

/** One app's network half: its own Corestore and a real SwarmService on the testnet. */
async function openPeer(bootstrap: string): Promise<{ store: JournalStore; swarm: SwarmService; close: () => Promise<void> }> {
  const data = await makeTempDir()
  const store = await JournalStore.open(data.dir)
  const swarm = new SwarmService(store.corestore, parseBootstrap(bootstrap))
  return {
    store,
    swarm,
    close: async () => {
      await swarm.destroy()
      await store.close()
      await data.cleanup()
    }
  }
}

const statusOf = (swarm: SwarmService, journal: Journal, name: string): NetworkStatus =>
  swarm.networkStatus([{ key: journal.id, name, index: journal.drive.core }])

describe('the Network section’s reading on a loopback testnet', () => {
  it('says the DHT answers, nobody is firewalled, where each side is, and what one journal’s connection carried', async () => {
    const network = await startTestnet()
    const author = await openPeer(network.bootstrap)
    const reader = await openPeer(network.bootstrap)
    try {
      const journal = await author.store.openOwn()
      const audio = randomBytes(256 * 1024)
      await journal.drive.put('/recordings/a.bin', audio)
      const copy = await reader.store.openRemote(journal.id)
      // Announced before the reader looks: a lookup that runs first finds nobody and is only
      // repeated minutes later.
      author.swarm.join(journal)
      await author.swarm.flushed()
      reader.swarm.join(copy)
      await waitFor(
        async () => {
          await copy.drive.update({ wait: true })
          return copy.drive.version === journal.drive.version
        },
        'the reader has the author’s version',
        30_000
      )
      assert.deepEqual(await copy.drive.get('/recordings/a.bin', { timeout: 30_000 }), audio)

      // Both ends have counted the transfer once the reader holds the file; the counters are read now.
      await waitFor(() => statusOf(author.swarm, journal, 'Mine').journals[0]!.connections.length === 1, 'the author sees the reader on the journal')
      const mine = statusOf(author.swarm, journal, 'Mine')
      const theirs = statusOf(reader.swarm, copy, 'Theirs')
      for (const status of [mine, theirs]) {
        assert.equal(status.dhtReachable, true)
        assert.equal(status.firewalled, false)
        assert.equal(status.nat, 'open')
        assert.equal(status.address?.host, '127.0.0.1')
        assert.ok(status.address!.port > 0)
        assert.equal(status.connections, 1)
        assert.deepEqual(status.diagnosis, { level: 'ok', text: 'Others can reach you directly.' })
      }
      assert.notEqual(mine.address!.port, theirs.address!.port)

      const [toReader] = mine.journals[0]!.connections
      const [toAuthor] = theirs.journals[0]!.connections
      assert.equal(mine.journals[0]!.key, journal.id)
      assert.equal(mine.journals[0]!.name, 'Mine')
      // Each side reaches the other at the address the DHT nodes saw for it: the announced,
      // open address, dialled over the DHT's own socket, so direct, and never relayed.
      assert.equal(toReader!.remoteHost, '127.0.0.1')
      assert.equal(toReader!.remotePort, theirs.address!.port)
      assert.equal(toAuthor!.remoteHost, '127.0.0.1')
      assert.equal(toAuthor!.remotePort, mine.address!.port)
      for (const connection of [toReader!, toAuthor!]) {
        assert.equal(connection.how, 'direct')
        assert.equal(connection.relayed, false)
      }
      assert.notEqual(toReader!.initiatedHere, toAuthor!.initiatedHere, 'one side dialled, the other answered')
      assert.ok(toReader!.bytesSent > audio.length, `the author sent the file (${toReader!.bytesSent} bytes)`)
      assert.ok(toAuthor!.bytesReceived > audio.length, `the reader received the file (${toAuthor!.bytesReceived} bytes)`)
      assert.ok(toAuthor!.bytesSent > 0 && toReader!.bytesReceived > 0, 'requests went the other way')
    } finally {
      await reader.close()
      await author.close()
      await network.testnet.destroy()
    }
  })

  it('lists a journal nobody else holds with no connection', async () => {
    const network = await startTestnet()
    const author = await openPeer(network.bootstrap)
    try {
      const journal = await author.store.openOwn()
      author.swarm.join(journal)
      await waitFor(() => statusOf(author.swarm, journal, 'Mine').dhtReachable, 'a DHT node answers')
      const status = statusOf(author.swarm, journal, 'Mine')
      assert.equal(status.connections, 0)
      assert.deepEqual(status.journals, [{ key: journal.id, name: 'Mine', connections: [] }])
    } finally {
      await author.close()
      await network.testnet.destroy()
    }
  })
})

describe('the one-line network diagnosis', () => {
  it('says what to do in each case', () => {
    assert.deepEqual(diagnoseNetwork({ dhtReachable: false, nat: 'unknown' }), {
      level: 'offline',
      text: 'This computer cannot reach the network: check the internet connection.'
    })
    // An unreachable DHT says so whatever the last NAT reading was.
    assert.equal(diagnoseNetwork({ dhtReachable: false, nat: 'open' }).level, 'offline')
    assert.deepEqual(diagnoseNetwork({ dhtReachable: true, nat: 'random' }), {
      level: 'limited',
      text: 'Your network blocks incoming connections: readers behind a similar network cannot reach you directly. An always-on host fixes this.'
    })
    assert.match(diagnoseNetwork({ dhtReachable: true, nat: 'consistent' }).text, /holepunching usually works/)
    assert.deepEqual(diagnoseNetwork({ dhtReachable: true, nat: 'open' }), { level: 'ok', text: 'Others can reach you directly.' })
  })
})
