import { strict as assert } from 'node:assert'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { getGlobalDispatcher } from 'undici'
import type { Settings } from '../../src/main/app/settings'
import { DownloadError, downloadRecording } from '../../src/main/intake/recording-downloader'
import { createSimAccount, loadCallerAudio, VonageSimulator } from '@voice-journal/vonage-sim'
import { makeTempDir } from '../helpers/temp-dir'

/** Settings with just what a download reads: the application and the configured API host. */
function settingsFor(sim: VonageSimulator, apiHost = sim.url): Settings {
  return { applicationId: sim.account.applicationId, privateKey: sim.account.privateKey, apiHost } as Settings
}

/** A plain HTTP server that records every request and answers with `respond`. */
async function startServer(respond: (request: IncomingMessage, response: import('node:http').ServerResponse) => void): Promise<{ url: string; requests: IncomingMessage[]; server: Server }> {
  const requests: IncomingMessage[] = []
  const server = createServer((request, response) => {
    requests.push(request)
    respond(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server }
}

describe('recording downloads (application JWT, plain fetch, the app’s own host check)', () => {
  let sim: VonageSimulator
  let dir: string
  let cleanup: () => Promise<void>
  const audio = Buffer.from(loadCallerAudio().mp3())

  before(async () => {
    sim = await VonageSimulator.start()
    ;({ dir, cleanup } = await makeTempDir('downloader-'))
  })
  after(async () => {
    await sim.close()
    await cleanup()
  })

  it('downloads a recording byte for byte with the application’s JWT, leaving the process-wide dispatcher alone', async () => {
    const dispatcher = getGlobalDispatcher()
    const { id } = sim.recordings.add(audio, 'audio/mpeg')
    const file = join(dir, `${id}.mp3`)
    await downloadRecording(`${sim.url}/v1/files/${id}`, file, settingsFor(sim))
    assert.deepEqual(await readFile(file), audio)
    assert.equal(sim.downloads.at(-1)?.status, 200, 'the simulator accepted the token')
    assert.equal(getGlobalDispatcher(), dispatcher)
  })

  it('says the key is wrong when Vonage refuses the token, and that a retry may help once it is fixed', async () => {
    const { id } = sim.recordings.add(audio, 'audio/mpeg')
    const stranger = createSimAccount()
    const settings = { ...settingsFor(sim), privateKey: stranger.privateKey }
    const error = await downloadRecording(`${sim.url}/v1/files/${id}`, join(dir, 'refused.mp3'), settings).catch((e: unknown) => e)
    assert.ok(error instanceof DownloadError)
    assert.match(error.message, /refused the download: check the application id and private key/)
    assert.equal(error.retryable, true)
  })

  it('gives up at once on a recording Vonage no longer has', async () => {
    const { id } = sim.recordings.add(audio, 'audio/mpeg')
    sim.expireRecording(id)
    const error = await downloadRecording(`${sim.url}/v1/files/${id}`, join(dir, 'expired.mp3'), settingsFor(sim)).catch((e: unknown) => e)
    assert.ok(error instanceof DownloadError)
    assert.match(error.message, /no longer has this recording/)
    assert.equal(error.retryable, false)
  })

  it('retries later when Vonage is unavailable', async () => {
    const { id } = sim.recordings.add(audio, 'audio/mpeg')
    sim.failNextDownloads(1, 503)
    const error = await downloadRecording(`${sim.url}/v1/files/${id}`, join(dir, 'busy.mp3'), settingsFor(sim)).catch((e: unknown) => e)
    assert.ok(error instanceof DownloadError)
    assert.match(error.message, /HTTP 503/)
    assert.equal(error.retryable, true)
  })

  it('does not follow a redirect: the token never reaches another host', async () => {
    const elsewhere = await startServer((_request, response) => response.end('stolen'))
    const redirecting = await startServer((_request, response) => {
      response.writeHead(302, { Location: `${elsewhere.url}/v1/files/x` })
      response.end()
    })
    try {
      const error = await downloadRecording(`${redirecting.url}/v1/files/abc`, join(dir, 'redirect.mp3'), settingsFor(sim, redirecting.url)).catch((e: unknown) => e)
      assert.ok(error instanceof DownloadError)
      assert.match(error.message, /redirects elsewhere/)
      assert.equal(redirecting.requests.length, 1)
      assert.match(redirecting.requests[0]!.headers.authorization ?? '', /^Bearer /)
      assert.equal(elsewhere.requests.length, 0)
    } finally {
      redirecting.server.close()
      elsewhere.server.close()
    }
  })

  it('refuses a body larger than any recording, whatever its Content-Length claimed (or without one)', async () => {
    const limit = 64 * 1024
    const body = Buffer.alloc(limit + 1)
    const oversized = await startServer((request, response) => {
      // One answer declares its size honestly, the other streams without a length.
      response.writeHead(200, request.url?.endsWith('declared') ? { 'Content-Length': body.length } : { 'Transfer-Encoding': 'chunked' })
      response.end(body)
    })
    try {
      for (const name of ['declared', 'chunked']) {
        const file = join(dir, `${name}.mp3`)
        const error = await downloadRecording(`${oversized.url}/v1/files/${name}`, file, settingsFor(sim, oversized.url), limit).catch((e: unknown) => e)
        assert.ok(error instanceof DownloadError, name)
        assert.match(error.message, /more than a call recording can be/)
        assert.equal(error.retryable, false)
      }
      assert.ok((await stat(join(dir, 'chunked.mp3'))).size <= limit, 'writing stopped at the limit')
    } finally {
      oversized.server.close()
    }
  })

  it('contacts nothing for a URL outside Vonage and the configured host', async () => {
    const other = await startServer((_request, response) => response.end())
    try {
      const error = await downloadRecording(`${other.url}/v1/files/abc`, join(dir, 'foreign.mp3'), settingsFor(sim)).catch((e: unknown) => e)
      assert.ok(error instanceof DownloadError)
      assert.match(error.message, /not on a Vonage API host/)
      assert.equal(other.requests.length, 0)
    } finally {
      other.server.close()
    }
  })
})
