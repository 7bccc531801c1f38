import { strict as assert } from 'node:assert'
import { createHash, createHmac, createSign, generateKeyPairSync, randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { checkSignature } from '../../src/main/intake/webhook-signature'

const SECRET = 'a-signature-secret-of-decent-length'
const base64url = (value: object | string): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/** An HS256 JWT as Vonage signs webhooks, built by hand so each claim can be varied. */
function sign(claims: Record<string, unknown>, secret = SECRET, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${base64url(header)}.${base64url(claims)}`
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
}

const body = Buffer.from(JSON.stringify({ recording_uuid: randomUUID(), recording_url: 'https://api.nexmo.com/v1/files/x' }))
const hash = createHash('sha256').update(body).digest('hex')
const now = Math.floor(Date.now() / 1000)
const valid = { iat: now, jti: randomUUID(), iss: 'Vonage', api_key: 'abcd1234', application_id: randomUUID(), payload_hash: hash }
const post = (token: string | undefined, raw: Uint8Array = body) => ({ authorization: token === undefined ? undefined : `Bearer ${token}`, rawBody: raw, method: 'POST' })

describe('Vonage webhook signatures', () => {
  it('accepts a fresh HS256 token whose payload_hash matches the body', () => {
    assert.deepEqual(checkSignature(post(sign(valid)), SECRET), { ok: true })
  })
  it('refuses a missing signature, a wrong secret, a tampered body and a wrong hash', () => {
    assert.deepEqual(checkSignature(post(undefined), SECRET), { ok: false, reason: 'missing signature' })
    assert.deepEqual(checkSignature(post(sign(valid, 'another-secret-entirely!!')), SECRET), { ok: false, reason: 'bad signature' })
    assert.deepEqual(checkSignature(post(sign(valid), Buffer.from(body.toString().replace('x', 'y'))), SECRET), {
      ok: false,
      reason: 'payload_hash does not match the body'
    })
    assert.deepEqual(checkSignature(post(sign({ ...valid, payload_hash: 'ab'.repeat(32) })), SECRET).ok, false)
    assert.deepEqual(checkSignature(post(sign({ ...valid, payload_hash: undefined })), SECRET), { ok: false, reason: 'signature without payload_hash' })
  })
  it('refuses a stale iat (older than 5 minutes) and one from the future', () => {
    assert.deepEqual(checkSignature(post(sign({ ...valid, iat: now - 301 })), SECRET), { ok: false, reason: 'stale signature' })
    assert.deepEqual(checkSignature(post(sign({ ...valid, iat: now + 3600 })), SECRET), { ok: false, reason: 'signature from the future' })
    assert.deepEqual(checkSignature(post(sign({ ...valid, iat: now - 250 })), SECRET), { ok: true })
  })
  it('refuses tokens that are not HS256 (alg none, RS256)', () => {
    const none = `${base64url({ alg: 'none' })}.${base64url(valid)}.`
    assert.equal(checkSignature(post(none), SECRET).ok, false)
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const unsigned = `${base64url({ alg: 'RS256' })}.${base64url(valid)}`
    const rs = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`
    assert.equal(checkSignature(post(rs), SECRET).ok, false)
  })
  it('accepts a missing payload_hash only on a GET without a body', () => {
    const { payload_hash: _hash, ...claims } = valid
    assert.deepEqual(checkSignature({ authorization: `Bearer ${sign(claims)}`, rawBody: new Uint8Array(), method: 'GET' }, SECRET), { ok: true })
    assert.equal(checkSignature({ authorization: `Bearer ${sign(claims)}`, rawBody: body, method: 'POST' }, SECRET).ok, false)
  })
})
