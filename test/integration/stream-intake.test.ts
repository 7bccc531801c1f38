import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import WebSocket from 'ws'
import { signCallback } from '@voice-journal/vonage-sim'
import type { IntakeStatus } from '#shared/intake'
import { IntakeHarness, toneAudio, wavData } from '../helpers/intake-harness'
import { waitFor } from '../helpers/wait-for'

describe('stream mode: live audio over the WebSocket becomes a WAV entry', () => {
  let harness: IntakeHarness
  before(async () => {
    harness = await IntakeHarness.start('stream')
  })
  after(() => harness?.close())

  it('records one simulated call sample for sample, at /recordings/YYYY/MM/<call uuid>.wav', async () => {
    const before = (await harness.entries()).length
    const call = harness.placeCall({ audio: toneAudio(1, 2) })
    const result = await call.done
    assert.equal(result.status, 'completed', result.error)
    const sent = result.streams[0]!.bytes
    await waitFor(async () => (await harness.entries()).length === before + 1, 'the entry is added', 15_000)
    const entry = (await harness.entries()).find((e) => e.path.endsWith(`/${call.uuid}.wav`))
    const year = new Date().getUTCFullYear()
    assert.match(entry!.path, new RegExp(`^/recordings/${year}/\\d\\d/${call.uuid}\\.wav$`))
    assert.equal(entry!.source, 'stream')
    assert.equal(entry!.durationMs, (sent.length / 32000) * 1000)
    assert.ok(wavData(await harness.app.audio(entry!.path)).equals(sent), 'the WAV holds exactly the PCM sent')
  })

  it('keeps 20 concurrent real-time calls apart: 20 WAVs, each identical to what its call sent', async () => {
    const before = new Set((await harness.entries()).map((e) => e.path))
    const calls = Array.from({ length: 20 }, (_, i) => harness.placeCall({ audio: toneAudio(100 + i, 3), realtime: true }))
    await waitFor(async () => (await harness.app.call<IntakeStatus>('getIntakeStatus')).liveCalls.length >= 10, 'calls show as live', 10_000)
    const results = await Promise.all(calls.map((call) => call.done))
    await waitFor(async () => (await harness.entries()).length === before.size + 20, '20 new entries', 20_000)
    for (const [i, call] of calls.entries()) {
      const entry = (await harness.entries()).find((e) => e.path.endsWith(`/${call.uuid}.wav`))
      assert.ok(entry, `entry for call ${i}`)
      assert.ok(wavData(await harness.app.audio(entry.path)).equals(results[i]!.streams[0]!.bytes), `call ${i} is exact`)
    }
  })

  it('refuses a socket without its token, and ends a call that sends garbage without touching another', async () => {
    const socketUrl = `${harness.webhooks.replace('http', 'ws')}/socket`
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${socketUrl}?call=${'a'.repeat(32)}&token=forged`)
      ws.on('unexpected-response', (_request, response) => resolve(String(response.statusCode)))
      ws.on('open', () => resolve('open'))
    })
    assert.equal(refused, '401')

    const count = (await harness.entries()).length
    // A good call runs alongside; the bad one gets a real token (from the answer webhook) and then misbehaves.
    const good = harness.placeCall({ audio: toneAudio(7, 2), realtime: true })
    const badCall = 'b'.repeat(32)
    const answer = (await (await fetch(`${harness.webhooks}/answer?uuid=${badCall}&from=447700900001&to=447700900000`, {
      headers: { Authorization: signCallback(harness.simulator.account, undefined) }
    })).json()) as Array<{ action: string; endpoint?: Array<{ uri: string }> }>
    const uri = answer.find((a) => a.action === 'connect')!.endpoint![0]!.uri
    const closes: Array<[number, string]> = []
    for (const garbage of [Buffer.alloc(333), 'not json at all']) {
      const ws = new WebSocket(uri)
      await new Promise((resolve) => ws.once('open', resolve))
      ws.send(JSON.stringify({ event: 'websocket:connected', 'content-type': 'audio/l16;rate=16000' }))
      ws.send(Buffer.alloc(640))
      ws.send(garbage)
      closes.push(await new Promise((resolve) => ws.once('close', (code, reason) => resolve([code, String(reason)]))))
      // The same call may connect again only once the app has let go of the first socket.
      await waitFor(async () => !(await harness.app.call<IntakeStatus>('getIntakeStatus')).liveCalls.some((c) => c.callId === badCall), 'the bad call is over')
    }
    assert.deepEqual(closes.map(([code]) => code), [1003, 1003])
    assert.match(closes[0]![1], /640 bytes/)
    assert.match(closes[1]![1], /unexpected text frame/)
    const result = await good.done
    await waitFor(async () => (await harness.entries()).some((e) => e.path.endsWith(`/${good.uuid}.wav`)), 'the good call lands')
    const entry = (await harness.entries()).find((e) => e.path.endsWith(`/${good.uuid}.wav`))!
    assert.ok(wavData(await harness.app.audio(entry.path)).equals(result.streams[0]!.bytes), 'the good call is untouched')
    // The bad call's 20 ms of valid audio before the garbage is kept, not lost.
    await waitFor(async () => (await harness.entries()).length === count + 2, 'both calls end as entries')
  })

  it('recovers a call cut by SIGKILL on the next start, as an entry marked partial', async () => {
    const call = harness.placeCall({ audio: toneAudio(9, 20), realtime: true })
    await waitFor(async () => (await harness.app.call<IntakeStatus>('getIntakeStatus')).liveCalls.some((c) => c.elapsedMs >= 2000), '2 s of audio arrived', 15_000)
    await harness.crashAndRestart()
    await call.done.catch(() => {})
    await waitFor(async () => (await harness.entries()).some((e) => e.path.endsWith(`/${call.uuid}.wav`)), 'the partial call is an entry', 15_000)
    const entry = (await harness.entries()).find((e) => e.path.endsWith(`/${call.uuid}.wav`))!
    assert.equal(entry.partial, true)
    assert.ok(entry.durationMs >= 1000 && entry.durationMs < 20_000, `kept ${entry.durationMs} ms`)
    const kept = wavData(await harness.app.audio(entry.path))
    const spoken = Buffer.from(toneAudio(9, 20).pcm!.buffer)
    assert.ok(spoken.subarray(0, kept.length).equals(kept), 'what was kept is the start of the call, exactly')
  })
})
