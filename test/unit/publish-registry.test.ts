import { strict as assert } from 'node:assert'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { isPublicationId, PublicationRegistry } from '../../src/main/publish/publication-registry'
import { makeTempDir } from '../helpers/temp-dir'

const KEY_A = 'xb54g1f3iedpimo7ofa83y5xfnrbp5utgdm8ow4dmezo3qzdkpty'
const KEY_B = 'ybndrfg8ejkmcpqxot1uwisza345h769ybndrfg8ejkmcpqxot1u'

describe('the publication registry', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>
  before(async () => (dir = await makeTempDir()))
  after(() => dir.cleanup())

  it('gives each journal a random 128-bit id, the same one after a restart, saved where only the user can read it', async () => {
    const registry = await PublicationRegistry.load(dir.dir)
    const a = await registry.idFor(KEY_A)
    const b = await registry.idFor(KEY_B)
    assert.ok(isPublicationId(a) && isPublicationId(b))
    assert.equal(Buffer.from(a, 'base64url').length, 16)
    assert.notEqual(a, b)
    assert.equal(await registry.idFor(KEY_A), a, 'asked again: the same id')
    const reloaded = await PublicationRegistry.load(dir.dir)
    assert.equal(await reloaded.idFor(KEY_A), a, 'after a restart: the same id')
    assert.equal(await reloaded.idFor(KEY_B), b)
    assert.equal((await stat(join(dir.dir, 'publications.json'))).mode & 0o777, 0o600)
  })

  it('an id comes from chance, not from the key: another data directory publishes the same journal under another id', async () => {
    const other = await makeTempDir()
    try {
      const first = await (await PublicationRegistry.load(dir.dir)).idFor(KEY_A)
      const second = await (await PublicationRegistry.load(other.dir)).idFor(KEY_A)
      assert.notEqual(first, second)
    } finally {
      await other.cleanup()
    }
  })

  it('only ids of the registry shape pass the door', () => {
    for (const text of ['', '..', '../../etc', 'a'.repeat(21), 'a'.repeat(23), `${'a'.repeat(21)}/`, KEY_A]) assert.equal(isPublicationId(text), false, text)
  })
})
