import { strict as assert } from 'node:assert'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { AppServices } from '../../src/main/app/app-services'
import { ServiceStack } from '../../src/main/app/service-stack'
import { parseBootstrap } from '../../src/main/network/bootstrap'
import { DataFileError } from '../../src/main/storage/json-file'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'

describe('the service stack', () => {
  it('closes last opened first, and a service that throws does not stop the ones under it', async () => {
    const stack = new ServiceStack()
    const closed: string[] = []
    stack.opened('store', {}, () => void closed.push('store'))
    stack.opened('swarm', {}, () => void closed.push('swarm'))
    stack.opened('library', {}, () => {
      throw new Error('library cannot flush')
    })
    stack.opened('webhooks', {}, async () => void closed.push('webhooks'))
    const failures = await stack.closeAll()
    assert.deepEqual(closed, ['webhooks', 'swarm', 'store'])
    assert.deepEqual(failures.map((failure) => failure.name), ['library'])
    assert.match((failures[0]!.error as Error).message, /cannot flush/)
  })

  it('moves on from a close that hangs once its time limit has passed', async () => {
    const stack = new ServiceStack(50)
    const closed: string[] = []
    stack.opened('store', {}, () => void closed.push('store'))
    stack.opened('stuck', {}, () => new Promise(() => {}))
    const failures = await stack.closeAll()
    assert.deepEqual(closed, ['store'])
    assert.match((failures[0]!.error as Error).message, /stuck took more than 50 ms/)
  })

  it('closes each service once, however often it is asked', async () => {
    const stack = new ServiceStack()
    let closes = 0
    stack.opened('store', {}, () => void closes++)
    await Promise.all([stack.closeAll(), stack.closeAll()])
    await stack.closeAll()
    assert.equal(closes, 1)
  })
})

describe('the app’s boot and shutdown', () => {
  it('closes the swarm and the journals’ store even when a service fails to close', async () => {
    const { dir, cleanup } = await makeTempDir('lifecycle-')
    const { testnet, bootstrap } = await startTestnet()
    try {
      const nodes = parseBootstrap(bootstrap)
      const services = await AppServices.boot({ dataDir: dir, bootstrap: nodes, env: {} })
      // A fault injected into the real library: its close throws before doing anything.
      services.library.close = () => Promise.reject(new Error('library.json cannot be written'))
      const failures = await services.shutdown()
      assert.deepEqual(failures.map((failure) => failure.name), ['library'])
      assert.equal(services.swarm.destroyed, true, 'the swarm is closed')
      // The data directory's lock is free again: the same process can open it at once.
      const again = await AppServices.boot({ dataDir: dir, bootstrap: nodes, env: {} })
      assert.deepEqual(await again.shutdown(), [])
    } finally {
      await testnet.destroy()
      await cleanup()
    }
  })

  it('a boot that fails half-way closes what it opened, so mending the file and starting again works', async () => {
    const { dir, cleanup } = await makeTempDir('lifecycle-')
    const { testnet, bootstrap } = await startTestnet()
    try {
      const nodes = parseBootstrap(bootstrap)
      const first = await AppServices.boot({ dataDir: dir, bootstrap: nodes, env: {} })
      const key = first.activeJournal.id
      await first.shutdown()
      // The library is read after the store and the swarm are open.
      await writeFile(join(dir, 'library.json'), '{ "journals": [')
      await assert.rejects(AppServices.boot({ dataDir: dir, bootstrap: nodes, env: {} }), (error: unknown) => error instanceof DataFileError && /library\.json/.test(error.message))
      await writeFile(join(dir, 'library.json'), '{}')
      const mended = await AppServices.boot({ dataDir: dir, bootstrap: nodes, env: {} })
      assert.equal(mended.activeJournal.id, key, 'the same journal, found again')
      await mended.shutdown()
    } finally {
      await testnet.destroy()
      await cleanup()
    }
  })
})
