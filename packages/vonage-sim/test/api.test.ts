import { strict as assert } from 'node:assert'
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto'
import { lookup as dnsLookup, type LookupOptions } from 'node:dns'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import { tokenGenerate, verifySignature } from '@vonage/jwt'
import { Vonage } from '@vonage/server-sdk'
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici'
import wavefile from 'wavefile'
import { CALLER_AUDIO_FILES, callerAudioDir, createSimAccount, loadCallerAudio, signCallback, VonageSimulator, wavToPcm } from '../src/index'
import { signHs256, signRs256 } from '../src/jwt'
import { mp3DurationMs, scanMp3, truncateMp3 } from '../src/caller/mp3'

const claimsOf = (header: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(header.replace(/^Bearer /, '').split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>

describe('vonage-sim account and callback signatures', () => {
  const account = createSimAccount()

  it('makes a PKCS#8 private key the SDK can sign with, and keeps the public half', () => {
    assert.match(account.privateKey, /^-----BEGIN PRIVATE KEY-----/)
    assert.match(account.publicKey, /^-----BEGIN PUBLIC KEY-----/)
    assert.match(account.applicationId, /^[0-9a-f-]{36}$/)
    const token = tokenGenerate(account.applicationId, account.privateKey)
    assert.equal(verifySignature(token, account.publicKey), true)
    assert.equal(createSimAccount({ privateKey: account.privateKey }).publicKey, account.publicKey)
  })

  it('signs a body with HS256, the Vonage claims and the SHA-256 of the exact bytes', () => {
    const body = JSON.stringify({ status: 'answered', text: 'é ☎' })
    const header = signCallback(account, body)
    const token = header.replace('Bearer ', '')
    assert.equal(verifySignature(token, account.signatureSecret), true)
    assert.equal(verifySignature(token, 'another secret'), false)
    const claims = claimsOf(header)
    assert.equal(claims.payload_hash, createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex'))
    assert.equal(claims.iss, 'Vonage')
    assert.equal(claims.api_key, account.apiKey)
    assert.equal(claims.application_id, account.applicationId)
    assert.equal(typeof claims.jti, 'string')
    assert.ok(Math.abs(Number(claims.iat) - Date.now() / 1000) < 2)
    assert.equal(claimsOf(signCallback(account, undefined)).payload_hash, undefined)
    assert.equal(claimsOf(signCallback(account, body, { iat: 1, payloadHash: null })).iat, 1)
  })
})

describe('vonage-sim files API', () => {
  let sim: VonageSimulator
  let fileId: string
  const audio = Buffer.from(loadCallerAudio().mp3())
  const url = (): string => `${sim.url}/v1/files/${fileId}`
  const get = (authorization?: string, target = url()): Promise<Response> => fetch(target, { headers: authorization ? { authorization } : {} })
  const sdkToken = (): string => `Bearer ${tokenGenerate(sim.account.applicationId, sim.account.privateKey)}`
  const now = (): number => Math.floor(Date.now() / 1000)
  const rs256 = (claims: Record<string, unknown>, key = sim.account.privateKey): string =>
    `Bearer ${signRs256({ application_id: sim.account.applicationId, iat: now(), jti: randomUUID(), exp: now() + 60, ...claims }, key)}`

  before(async () => {
    sim = await VonageSimulator.start()
    fileId = sim.recordings.add(audio, 'audio/mpeg').id
  })
  after(() => sim.close())

  it('serves the file for the SDK JWT on /v1 and /v3', async () => {
    for (const target of [url(), `${sim.url}/v3/files/${fileId}`]) {
      const response = await get(sdkToken(), target)
      assert.equal(response.status, 200)
      assert.equal(response.headers.get('content-type'), 'audio/mpeg')
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), audio)
    }
  })

  it("works with the SDK's own downloadRecording (its vonage.com host pinned to the simulator)", async () => {
    // The SDK downloads only from *.vonage.com / *.nexmo.com, so the name is pinned here as the app does.
    const previous = getGlobalDispatcher()
    const lookup = (host: string, options: LookupOptions, callback: (...args: never[]) => void): void =>
      dnsLookup(host === 'files.vonage.com' ? '127.0.0.1' : host, options, callback as never)
    setGlobalDispatcher(new Agent({ connect: { lookup: lookup as never } }))
    const dir = mkdtempSync(join(tmpdir(), 'vonage-sim-'))
    try {
      const vonage = new Vonage({ applicationId: sim.account.applicationId, privateKey: sim.account.privateKey })
      const file = join(dir, 'recording.mp3')
      await vonage.voice.downloadRecording(`http://files.vonage.com:${new URL(sim.url).port}/v1/files/${fileId}`, file)
      assert.deepEqual(readFileSync(file), audio)
      const stranger = new Vonage({ applicationId: randomUUID(), privateKey: sim.account.privateKey })
      await assert.rejects(stranger.voice.downloadRecording(`http://files.vonage.com:${new URL(sim.url).port}/v1/files/${fileId}`, file), /Unauthorized/)
    } finally {
      setGlobalDispatcher(previous)
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses missing, forged, foreign, expired and not-yet-valid tokens with 401 JSON', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey
    const none = `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ application_id: sim.account.applicationId, iat: now(), jti: 'x' })).toString('base64url')}.`
    const refused: Array<[string, string | undefined]> = [
      ['no header', undefined],
      ['not a JWT', 'Bearer abc'],
      ['basic auth', `Basic ${Buffer.from(`${sim.account.apiKey}:${sim.account.apiSecret}`).toString('base64')}`],
      ['another key', `Bearer ${tokenGenerate(sim.account.applicationId, otherKey)}`],
      ['another application', `Bearer ${tokenGenerate(randomUUID(), sim.account.privateKey)}`],
      ['alg none', none],
      ['HS256 with the public key', `Bearer ${signHs256({ application_id: sim.account.applicationId, iat: now(), jti: 'x' }, sim.account.publicKey)}`],
      ['expired', rs256({ exp: now() - 5 })],
      ['no exp, issued 20 min ago', rs256({ exp: undefined, iat: now() - 20 * 60 })],
      ['issued in the future', rs256({ iat: now() + 600 })],
      ['nbf in the future', rs256({ nbf: now() + 600 })],
      ['no jti', rs256({ jti: undefined })]
    ]
    for (const [label, authorization] of refused) {
      const response = await get(authorization)
      assert.equal(response.status, 401, label)
      assert.match(response.headers.get('content-type') ?? '', /application\/json/, label)
      const body = (await response.json()) as { title: string }
      assert.equal(body.title, 'Unauthorized', label)
    }
    assert.equal((await get(rs256({ nbf: now() - 1 }))).status, 200)
  })

  it('answers 404 for unknown and expired files', async () => {
    assert.equal((await get(sdkToken(), `${sim.url}/v1/files/${randomUUID()}`)).status, 404)
    const old = sim.recordings.add(Buffer.from('x'), 'audio/mpeg').id
    assert.equal((await get(sdkToken(), `${sim.url}/v1/files/${old}`)).status, 200)
    sim.expireRecording(old)
    assert.equal((await get(sdkToken(), `${sim.url}/v1/files/${old}`)).status, 404)
  })

  it('has knobs: latency, failures, a non-audio body, and a log of every download', async () => {
    sim.downloads.length = 0
    sim.latencyMs = 300
    const started = performance.now()
    assert.equal((await get(sdkToken())).status, 200)
    assert.ok(performance.now() - started >= 290)
    sim.latencyMs = 0

    sim.failNextDownloads(2)
    assert.deepEqual([(await get(sdkToken())).status, (await get(sdkToken())).status, (await get(sdkToken())).status], [503, 503, 200])

    const fake = sim.recordings.add(audio, 'audio/mpeg').id
    sim.serveNonAudio(fake)
    const response = await get(sdkToken(), `${sim.url}/v1/files/${fake}`)
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'audio/mpeg')
    assert.match(await response.text(), /<html>/)
    assert.deepEqual(sim.downloads.map((d) => d.status), [200, 503, 503, 200, 200])
  })

  it('answers 500 JSON to a request it failed on, and reports it to onRequestError', async () => {
    const failures: string[] = []
    const failing = await VonageSimulator.start({ onRequestError: (error, request) => failures.push(`${request.method} ${request.path}: ${error.message}`) })
    try {
      // A store that breaks under the API host: no request can make the simulator fail by itself.
      failing.recordings.get = () => {
        throw new Error('store unavailable')
      }
      const id = randomUUID()
      const response = await get(`Bearer ${tokenGenerate(failing.account.applicationId, failing.account.privateKey)}`, `${failing.url}/v1/files/${id}`)
      assert.equal(response.status, 500)
      assert.equal(((await response.json()) as { title: string }).title, 'Internal Error')
      assert.deepEqual(failures, [`GET /v1/files/${id}: store unavailable`])
    } finally {
      await failing.close()
    }
  })
})

describe('vonage-sim Applications API', () => {
  let sim: VonageSimulator
  before(async () => {
    sim = await VonageSimulator.start({ answerUrl: 'http://127.0.0.1:3000/webhooks/answer', eventUrl: 'http://127.0.0.1:3000/webhooks/event' })
  })
  after(() => sim.close())

  it('round-trips through @vonage/server-sdk: get, change the voice webhooks, update', async () => {
    const vonage = new Vonage({ apiKey: sim.account.apiKey, apiSecret: sim.account.apiSecret }, { apiHost: sim.url })
    const application = await vonage.applications.getApplication(sim.account.applicationId)
    assert.equal(application.id, sim.account.applicationId)
    assert.equal(application.keys?.publicKey, sim.account.publicKey)
    const webhooks = application.capabilities.voice!.webhooks!
    assert.deepEqual(webhooks.answerUrl, { address: 'http://127.0.0.1:3000/webhooks/answer', http_method: 'GET', httpMethod: 'GET' })

    // The SDK returns snake_case and camelCase copies and sends the camelCase one last: change that.
    webhooks.answerUrl = { address: 'https://journal.example/webhooks/answer', httpMethod: 'POST' }
    webhooks.eventUrl = { address: 'https://journal.example/webhooks/event', httpMethod: 'POST' }
    application.name = 'My journal'
    const updated = await vonage.applications.updateApplication(application)
    assert.equal(updated.name, 'My journal')
    assert.deepEqual(sim.application.capabilities.voice?.webhooks.answer_url, { address: 'https://journal.example/webhooks/answer', http_method: 'POST' })
    assert.deepEqual(sim.application.capabilities.voice?.webhooks.event_url, { address: 'https://journal.example/webhooks/event', http_method: 'POST' })
    assert.equal(sim.application.keys.public_key, sim.account.publicKey)
    const again = await vonage.applications.getApplication(sim.account.applicationId)
    assert.equal(again.capabilities.voice?.webhooks?.answerUrl?.address, 'https://journal.example/webhooks/answer')
  })

  it('refuses other credentials (401), unknown ids (404) and applications without a name (400)', async () => {
    const wrong = new Vonage({ apiKey: sim.account.apiKey, apiSecret: 'wrong' }, { apiHost: sim.url })
    await assert.rejects(wrong.applications.getApplication(sim.account.applicationId), /401/)
    const basic = `Basic ${Buffer.from(`${sim.account.apiKey}:${sim.account.apiSecret}`).toString('base64')}`
    assert.equal((await fetch(`${sim.url}/v2/applications/${sim.account.applicationId}`)).status, 401)
    assert.equal((await fetch(`${sim.url}/v2/applications/${randomUUID()}`, { headers: { authorization: basic } })).status, 404)
    const put = await fetch(`${sim.url}/v2/applications/${sim.account.applicationId}`, {
      method: 'PUT',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ capabilities: {} })
    })
    assert.equal(put.status, 400)
  })
})

describe('vonage-sim caller audio', () => {
  it('ships 6–10 s of 16 kHz speech as WAV and MP3 under resources/', () => {
    assert.equal(callerAudioDir(), join(import.meta.dirname, '..', 'resources'))
    assert.ok(existsSync(join(callerAudioDir(), 'caller.wav')))
    const audio = loadCallerAudio()
    assert.ok(audio.durationMs >= 6000 && audio.durationMs <= 10_000, `${audio.durationMs} ms`)
    assert.equal(audio.pcm!.length, (audio.durationMs * 16000) / 1000)
    const mp3 = audio.mp3()
    assert.ok(Math.abs(mp3DurationMs(scanMp3(mp3)!, mp3) - audio.durationMs) < 150)
  })

  it('finds the caller audio copied beside a bundle that inlines the package', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vonage-sim-'))
    try {
      // An app's layout: its own resources/ (icons) at the top, the bundle in out/main/chunks/.
      mkdirSync(join(dir, 'resources'))
      writeFileSync(join(dir, 'resources', 'icon.png'), '')
      mkdirSync(join(dir, 'out', 'main', 'chunks'), { recursive: true })
      const chunk = pathToFileURL(join(dir, 'out', 'main', 'chunks', 'simulator.js')).href
      assert.throws(() => callerAudioDir(chunk), /caller audio \(resources\/caller\.wav\) was not found above/)
      mkdirSync(join(dir, 'out', 'main', 'resources'))
      for (const name of CALLER_AUDIO_FILES) writeFileSync(join(dir, 'out', 'main', 'resources', name), readFileSync(join(callerAudioDir(), name)))
      assert.equal(callerAudioDir(chunk), join(dir, 'out', 'main', 'resources'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('converts any WAV to 16 kHz mono and reads MP3 as is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vonage-sim-'))
    try {
      const left = new Int16Array(44100).fill(1000)
      const right = new Int16Array(44100).fill(3000)
      const wav = new wavefile.WaveFile()
      wav.fromScratch(2, 44100, '16', [left, right])
      const pcm = wavToPcm(wav.toBuffer())
      assert.ok(Math.abs(pcm.length - 16000) <= 2, `${pcm.length} samples`)
      assert.ok(Math.abs(pcm[8000]! - 2000) <= 2, `mixed sample ${pcm[8000]}`)

      const file = join(dir, 'caller.wav')
      writeFileSync(file, wav.toBuffer())
      assert.ok(Math.abs(loadCallerAudio(file).durationMs - 1000) < 1)
      const mp3File = join(dir, 'caller.mp3')
      writeFileSync(mp3File, loadCallerAudio().mp3())
      const mp3 = loadCallerAudio(mp3File)
      assert.equal(mp3.pcm, null)
      writeFileSync(join(dir, 'notes.txt'), 'hello')
      assert.throws(() => loadCallerAudio(join(dir, 'notes.txt')), /neither a WAV nor an MP3/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('cuts an MP3 at a frame boundary and drops its Info frame', () => {
    const mp3 = loadCallerAudio().mp3()
    const cut = truncateMp3(mp3, 3000)
    const frames = scanMp3(cut)!
    const ms = mp3DurationMs(frames, cut)
    assert.ok(ms >= 3000 && ms < 3000 + 40, `${ms} ms`)
    assert.equal(cut.includes('Info') || cut.includes('Xing'), false)
  })
})
