import { strict as assert } from 'node:assert'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmod, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { encode as encodeKey } from 'hypercore-id-encoding'
import { secretSealerFor, type SafeStorageLike } from '../../src/main/desktop/secret-sealer'
import { JournalKeys, type SecretSealer } from '../../src/main/library/journal-keys'
import { DataFileError } from '../../src/main/storage/json-file'
import { makeTempDir } from '../helpers/temp-dir'

const JOURNAL = encodeKey(Buffer.alloc(32, 1))

/** A real sealer (AES-256-GCM under a key of its own), standing in for the system's key store. */
function aesSealer(name = 'test-store'): SecretSealer {
  const key = randomBytes(32)
  return {
    name,
    seal(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    open(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12))
      decipher.setAuthTag(sealed.subarray(12, 28))
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8')
    }
  }
}

describe('journal read keys', () => {
  it('are kept readable by the user only, and a file made readable by others is narrowed again', async (t) => {
    if (process.platform === 'win32') return t.skip('file modes are POSIX')
    const { dir, cleanup } = await makeTempDir()
    try {
      const readKey = JournalKeys.generate()
      await (await JournalKeys.load(dir)).set(JOURNAL, readKey)
      const file = join(dir, 'journal-keys.json')
      assert.equal((await stat(file)).mode & 0o777, 0o600)
      await chmod(file, 0o644)
      assert.deepEqual((await JournalKeys.load(dir)).get(JOURNAL), readKey)
      assert.equal((await stat(file)).mode & 0o777, 0o600)
    } finally {
      await cleanup()
    }
  })

  it('sealed with the system key store: not in the file in plain, and unreadable without that store', async () => {
    const { dir, cleanup } = await makeTempDir()
    try {
      const sealer = aesSealer()
      const readKey = JournalKeys.generate()
      await (await JournalKeys.load(dir, sealer)).set(JOURNAL, readKey)
      const text = await readFile(join(dir, 'journal-keys.json'), 'utf8')
      assert.ok(!text.includes(encodeKey(readKey)) && !text.includes(JOURNAL), 'neither key is in the file in plain')
      assert.deepEqual((await JournalKeys.load(dir, sealer)).get(JOURNAL), readKey)
      await assert.rejects(JournalKeys.load(dir), (error: unknown) => error instanceof DataFileError && /sealed with test-store/.test(error.message))
      await assert.rejects(JournalKeys.load(dir, aesSealer()), (error: unknown) => error instanceof DataFileError && /cannot be unsealed/.test(error.message))
    } finally {
      await cleanup()
    }
  })

  it('a file written before the key store was there is read, and sealed at the next change', async () => {
    const { dir, cleanup } = await makeTempDir()
    try {
      const first = JournalKeys.generate()
      await (await JournalKeys.load(dir)).set(JOURNAL, first)
      const sealer = aesSealer()
      const keys = await JournalKeys.load(dir, sealer)
      assert.deepEqual(keys.get(JOURNAL), first)
      await keys.set(encodeKey(Buffer.alloc(32, 2)), JournalKeys.generate())
      assert.match(await readFile(join(dir, 'journal-keys.json'), 'utf8'), /"sealedWith": "test-store"/)
      assert.deepEqual((await JournalKeys.load(dir, sealer)).get(JOURNAL), first)
    } finally {
      await cleanup()
    }
  })
})

describe('the desktop app’s sealer', () => {
  const storage = (available: boolean, backend?: string): SafeStorageLike => ({
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from(plain).reverse(),
    decryptString: (sealed) => Buffer.from(sealed).reverse().toString(),
    ...(backend ? { getSelectedStorageBackend: () => backend } : {})
  })

  it('seals with the system key store where it protects, and not with Linux’s built-in password', () => {
    assert.equal(secretSealerFor(storage(false), 'darwin'), null)
    assert.equal(secretSealerFor(storage(true, 'basic_text'), 'linux'), null)
    assert.equal(secretSealerFor(storage(true), 'linux'), null, 'an unknown Linux backend is not trusted')
    for (const [platform, backend] of [['darwin', undefined], ['win32', undefined], ['linux', 'gnome_libsecret'], ['linux', 'kwallet5']] as const) {
      const sealer = secretSealerFor(storage(true, backend), platform)
      assert.ok(sealer, `${platform} ${backend ?? ''}`)
      assert.equal(sealer.open(sealer.seal('read keys')), 'read keys')
    }
  })
})
