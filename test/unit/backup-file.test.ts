import { strict as assert } from 'node:assert'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import sodium from 'sodium-native'
import type { BackupContent } from '../../src/main/identity/backup-content'
import { BackupFileError, readBackupFile, writeBackupFile } from '../../src/main/identity/backup-file'
import { DEFAULT_LIMITS, FORMAT_VERSION, MAGIC, seal, SealedFileError, type SealedFileProblem } from '../../src/main/identity/sealed-file'
import { makeTempDir } from '../helpers/temp-dir'

// The passphrase-sealed backup file on its own: what it holds comes back only with the right
// passphrase from an unchanged, complete file of a format this app reads; anything else is
// refused with its own message.

/** Argon2id's smallest work, so the tests that open many files stay quick; the defaults are tested once. */
const QUICK = { opslimit: 1, memlimit: 8 * 1024 * 1024 }
const PASSPHRASE = 'correct horse battery staple'

const CONTENT: BackupContent = {
  app: 'voice-journal',
  createdAt: '2026-01-02T03:04:05.000Z',
  primaryKey: 'ab'.repeat(32),
  active: 'yryyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy',
  journals: [
    { key: 'yryyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy', kind: 'own', name: 'My journal', namespace: 'default', seeding: 'off', lengths: { index: 7, audio: 12 } },
    { key: 'ybndrfg8ejkmcpqxot1uwisza345h769ybndrfg8ejkmcpqxot1u', kind: 'followed', name: 'A friend', seeding: 'seeding' }
  ],
  encryptionKeys: { yryyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy: 'ybndrfg8ejkmcpqxot1uwisza345h769ybndrfg8ejkmcpqxot1u' }
}

/** The parts of a sealed file, located from its own length fields. */
function layout(file: Buffer): { headerStart: number; headerEnd: number; bodyStart: number } {
  const headerStart = MAGIC.length + 6
  const headerEnd = headerStart + file.readUInt32BE(MAGIC.length + 2)
  return { headerStart, headerEnd, bodyStart: headerEnd + 32 }
}

/** The file with its header replaced and its checksum made to match, as a file of another format or settings would be. */
function withHeader(file: Buffer, change: (header: Record<string, unknown>) => void, version = FORMAT_VERSION): Buffer {
  const { headerStart, headerEnd, bodyStart } = layout(file)
  const header = JSON.parse(file.subarray(headerStart, headerEnd).toString('utf8')) as Record<string, unknown>
  change(header)
  const json = Buffer.from(JSON.stringify(header))
  const numbers = Buffer.alloc(6)
  numbers.writeUInt16BE(version, 0)
  numbers.writeUInt32BE(json.length, 2)
  const front = Buffer.concat([MAGIC, numbers, json])
  const checksum = Buffer.alloc(32)
  sodium.crypto_generichash(checksum, front)
  return Buffer.concat([front, checksum, file.subarray(bodyStart)])
}

describe('the sealed backup file', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  async function tempFile(name = 'journals.vjbackup'): Promise<string> {
    const { dir, cleanup } = await makeTempDir('backup-file-')
    cleanups.push(cleanup)
    return join(dir, name)
  }

  async function refusal(file: Buffer | string, passphrase = PASSPHRASE): Promise<SealedFileError> {
    const path = typeof file === 'string' ? file : await tempFile()
    if (typeof file !== 'string') await writeFile(path, file)
    const error = await readBackupFile(path, passphrase).then(
      () => assert.fail('the file was opened'),
      (thrown: unknown) => thrown
    )
    assert.ok(error instanceof SealedFileError, `expected a SealedFileError, got ${String(error)}`)
    return error
  }

  async function sealedQuickly(content = CONTENT): Promise<Buffer> {
    const file = await tempFile()
    await writeBackupFile(file, content, PASSPHRASE, { limits: QUICK })
    return readFile(file)
  }

  it('gives back what it holds with the right passphrase, 0600, with the default Argon2id limits in its header', async () => {
    const file = await tempFile()
    await writeBackupFile(file, CONTENT, PASSPHRASE)
    assert.deepEqual(await readBackupFile(file, PASSPHRASE), CONTENT)
    if (process.platform !== 'win32') assert.equal((await stat(file)).mode & 0o777, 0o600)
    const bytes = await readFile(file)
    assert.ok(bytes.subarray(0, MAGIC.length).equals(MAGIC))
    assert.equal(bytes.readUInt16BE(MAGIC.length), 1)
    const { headerStart, headerEnd } = layout(bytes)
    const header = JSON.parse(bytes.subarray(headerStart, headerEnd).toString('utf8')) as { kdf: { alg: string; opslimit: number; memlimit: number; salt: string } }
    assert.deepEqual({ alg: header.kdf.alg, opslimit: header.kdf.opslimit, memlimit: header.kdf.memlimit }, { alg: 'argon2id13', ...DEFAULT_LIMITS })
    // Nothing of the content is readable without the passphrase.
    assert.ok(!bytes.includes(Buffer.from(CONTENT.primaryKey)) && !bytes.includes(Buffer.from('My journal')))
  })

  it('opens a file sealed with other Argon2id limits (they are read from its header)', async () => {
    const bytes = await sealedQuickly()
    const file = await tempFile()
    await writeFile(file, bytes)
    assert.deepEqual(await readBackupFile(file, PASSPHRASE), CONTENT)
  })

  it('refuses a wrong passphrase, saying so', async () => {
    const error = await refusal(await sealedQuickly(), 'correct horse battery stapler')
    assert.equal(error.problem, 'wrong-passphrase')
    assert.match(error.message, /passphrase does not open this backup/)
  })

  it('refuses a file with any one byte changed, each part with its own message', async () => {
    const bytes = await sealedQuickly()
    const { headerStart, bodyStart } = layout(bytes)
    const expected = (index: number): SealedFileProblem =>
      index < MAGIC.length ? 'not-a-backup' : index < MAGIC.length + 2 ? 'unsupported-version' : 'damaged'
    // Every byte before the body (magic, version, lengths, header, checksum) and the body's first, middle and last.
    const positions = [...Array.from({ length: bodyStart }, (_, index) => index), bodyStart, Math.floor((bodyStart + bytes.length) / 2), bytes.length - 1]
    for (const index of positions) {
      const tampered = Buffer.from(bytes)
      tampered[index] = tampered[index]! ^ 0x01
      const error = await refusal(tampered)
      assert.equal(error.problem, expected(index), `byte ${index} (header starts at ${headerStart}, body at ${bodyStart}): ${error.message}`)
    }
  })

  it('refuses a truncated file as damaged (or as no backup when not even the magic is left)', async () => {
    const bytes = await sealedQuickly()
    const { headerEnd, bodyStart } = layout(bytes)
    for (const length of [0, 5, MAGIC.length + 3, headerEnd - 1, bodyStart, bytes.length - 1]) {
      const error = await refusal(bytes.subarray(0, length))
      assert.equal(error.problem, length < MAGIC.length ? 'not-a-backup' : 'damaged', `cut at ${length}: ${error.message}`)
    }
    const longer = await refusal(Buffer.concat([bytes, Buffer.from([0])]))
    assert.equal(longer.problem, 'damaged')
    assert.match(longer.message, /damaged .*nothing was restored/)
  })

  it('refuses a format version it does not know, naming it', async () => {
    const error = await refusal(withHeader(await sealedQuickly(), () => {}, 2))
    assert.equal(error.problem, 'unsupported-version')
    assert.match(error.message, /format 2, which this Voice Journal cannot read \(it reads format 1\)/)
  })

  it('refuses a header asking for more Argon2 memory than any Voice Journal writes, before running it', async () => {
    const bytes = withHeader(await sealedQuickly(), (header) => {
      ;(header.kdf as { memlimit: number }).memlimit = 2 ** 40
    })
    const error = await refusal(bytes)
    assert.equal(error.problem, 'damaged')
  })

  it('refuses a file that is not a backup at all', async () => {
    const error = await refusal(Buffer.from('{"journals": []}\n'))
    assert.equal(error.problem, 'not-a-backup')
    assert.equal(error.message, 'This file is not a Voice Journal backup.')
  })

  it('refuses content sealed right that is not a backup', async () => {
    const file = await tempFile()
    await writeFile(file, await seal(Buffer.from('{"app":"something else"}'), PASSPHRASE, QUICK))
    const error = await refusal(file)
    assert.equal(error.problem, 'damaged')
    assert.match(error.message, /content is incomplete/)
  })

  it('refuses a passphrase under 8 characters and writes nothing', async () => {
    const file = await tempFile()
    await assert.rejects(writeBackupFile(file, CONTENT, 'short', { limits: QUICK }), (error: unknown) => error instanceof SealedFileError && error.problem === 'weak-passphrase')
    await assert.rejects(stat(file), { code: 'ENOENT' })
  })

  it('never replaces an existing file unless asked to (a save dialog asked first)', async () => {
    const file = await tempFile()
    await writeFile(file, 'an older backup')
    await assert.rejects(writeBackupFile(file, CONTENT, PASSPHRASE, { limits: QUICK }), (error: unknown) => error instanceof BackupFileError && /already exists/.test(error.message))
    assert.equal(await readFile(file, 'utf8'), 'an older backup')
    await writeBackupFile(file, CONTENT, PASSPHRASE, { limits: QUICK, overwrite: true })
    assert.deepEqual(await readBackupFile(file, PASSPHRASE), CONTENT)
  })

  it('says plainly that there is no file to restore from', async () => {
    const file = await tempFile('missing.vjbackup')
    await assert.rejects(readBackupFile(file, PASSPHRASE), (error: unknown) => error instanceof BackupFileError && error.message === `There is no file at ${file}.`)
  })
})
