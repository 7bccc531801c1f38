import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import * as v from 'valibot'
import type { CallDto } from '#shared/intake'
import { SettingsSchema, type Settings } from '#shared/settings-schema'
import { SETTLE_GRACE_MS } from '../../src/main/hotline/hotline-call'
import { planResume, RESUME_LIMIT_MS } from '../../src/main/hotline/hotline-resume'
import { HotlineService } from '../../src/main/hotline/hotline-service'
import type { DialRequest, StaffDialer } from '../../src/main/hotline/staff-dialer'
import { CallLog, type HotlineLine } from '../../src/main/intake/call-log'
import type { NccoAction } from '../../src/main/intake/ncco'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'

const CALLER = 'caller-leg-0001'
const CALL_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
const RING_SECONDS = 30
/** When a call that started at `startedAt` is settled as unanswered, whatever the events say. */
const settleAt = (startedAt: number): number => startedAt + RING_SECONDS * 1000 + SETTLE_GRACE_MS

/** The ledger of a call as the hotline writes it: Ana's phone rings, Ben's too, Ben (a second one) declined. */
function ledgerLines(startedAt: number): HotlineLine[] {
  return [
    { kind: 'hotline', uuid: CALLER, name: 'Code of conduct', staff: ['Ana', 'Ben', 'Ben'], at: startedAt, callId: CALL_ID, ringSeconds: RING_SECONDS, noAnswer: 'voicemail', publicBase: 'http://127.0.0.1:3000' },
    { kind: 'staff', uuid: CALLER, name: 'Ana', status: 'started', at: startedAt + 10, index: 0, legUuid: 'leg-ana' },
    { kind: 'staff', uuid: CALLER, name: 'Ben', status: 'started', at: startedAt + 11, index: 1, legUuid: 'leg-ben' },
    { kind: 'staff', uuid: CALLER, name: 'Ben', status: 'rejected', at: startedAt + 12, index: 2, legUuid: 'leg-ben-2' },
    { kind: 'staff', uuid: CALLER, name: 'Ana', status: 'ringing', at: startedAt + 20, index: 0, legUuid: 'leg-ana' }
  ]
}

const callerCall = (startedAt: number, statuses: string[] = ['started', 'answered']): CallDto => ({
  uuid: CALLER,
  from: '447700900077',
  startedAt,
  statuses: statuses.map((status, index) => ({ status, at: startedAt + index * 1000 }))
})

describe('a hotline call taken up again after a restart: the plan from its ledger lines', () => {
  it('rebuilds a call still in time: its id, ring time, answer, where Vonage reached it, and each leg by its place in the list', () => {
    const startedAt = Date.now() - 5_000
    const plan = planResume({ lines: ledgerLines(startedAt), call: callerCall(startedAt) }, Date.now())
    assert.equal(plan.action, 'resume')
    if (plan.action !== 'resume') return
    assert.deepEqual(plan.call, {
      callId: CALL_ID,
      uuid: CALLER,
      from: '447700900077',
      hotlineName: 'Code of conduct',
      ringSeconds: RING_SECONDS,
      noAnswer: 'voicemail',
      publicBase: 'http://127.0.0.1:3000',
      startedAt,
      legs: [
        { name: 'Ana', uuid: 'leg-ana', status: 'ringing' },
        { name: 'Ben', uuid: 'leg-ben', status: 'started' },
        { name: 'Ben', uuid: 'leg-ben-2', status: 'rejected' }
      ]
    })
    const ended = planResume({ lines: ledgerLines(startedAt), call: callerCall(startedAt, ['started', 'answered', 'completed']) }, Date.now())
    assert.equal(ended.action === 'resume' && ended.call.callerEndedAt, startedAt + 2000, 'a caller whose hang-up was logged is known to be gone, and when')
  })

  it('closes a call too old to take up: the phones left ringing timed out, nobody answered (or the caller hung up, when the log says so)', () => {
    const startedAt = 1_800_000_000_000
    const now = settleAt(startedAt) + RESUME_LIMIT_MS + 1
    assert.deepEqual(planResume({ lines: ledgerLines(startedAt), call: callerCall(startedAt) }, now), {
      action: 'close',
      lines: [
        { kind: 'staff', uuid: CALLER, name: 'Ana', status: 'timeout', at: now, index: 0, legUuid: 'leg-ana' },
        { kind: 'staff', uuid: CALLER, name: 'Ben', status: 'timeout', at: now, index: 1, legUuid: 'leg-ben' },
        { kind: 'outcome', uuid: CALLER, outcome: 'unanswered', at: now }
      ]
    })
    const gone = planResume({ lines: ledgerLines(startedAt), call: callerCall(startedAt, ['started', 'answered', 'completed']) }, now)
    assert.deepEqual(gone.action === 'close' && gone.lines.at(-1), { kind: 'outcome', uuid: CALLER, outcome: 'abandoned', waitedMs: 2000, at: now })
  })

  it('closes a call written before calls could be taken up (no call id), matching its staff lines by name', () => {
    const startedAt = Date.now() - 1000
    const lines: HotlineLine[] = [
      { kind: 'hotline', uuid: CALLER, name: 'Code of conduct', staff: ['Ana', 'Ben'], at: startedAt },
      { kind: 'staff', uuid: CALLER, name: 'Ben', status: 'busy', at: startedAt + 5 }
    ]
    const plan = planResume({ lines, call: callerCall(startedAt) }, startedAt + 2000)
    assert.deepEqual(plan, {
      action: 'close',
      lines: [
        { kind: 'staff', uuid: CALLER, name: 'Ana', status: 'timeout', at: startedAt + 2000, index: 0 },
        { kind: 'outcome', uuid: CALLER, outcome: 'unanswered', at: startedAt + 2000 }
      ]
    })
  })
})

/** A dialer that records what the hotline asks of Vonage. */
class RecordingDialer implements StaffDialer {
  readonly hungUp: string[] = []
  readonly transfers: Array<{ uuid: string; ncco: NccoAction[] }> = []
  readonly said: string[] = []
  dial(_request: DialRequest): Promise<string> {
    return Promise.reject(new Error('a resumed call rings nobody again'))
  }
  async say(_uuid: string, text: string): Promise<void> {
    this.said.push(text)
  }
  async hangUp(uuid: string): Promise<void> {
    this.hungUp.push(uuid)
  }
  async transfer(uuid: string, ncco: NccoAction[]): Promise<void> {
    this.transfers.push({ uuid, ncco })
  }
}

/** A call log holding `lines` (as a previous run left it), reopened, with a hotline taking its calls up again. */
async function restartedHotline(lines: HotlineLine[], callerStatuses: string[] = ['started', 'answered']) {
  const data = await makeTempDir()
  const file = join(data.dir, 'calls.jsonl')
  const before = await CallLog.open(file)
  for (const [index, status] of callerStatuses.entries()) {
    await before.recordEvent({ uuid: CALLER, status, from: '447700900077', to: '447700900000', direction: 'inbound', timestamp: new Date(lines[0]!.at + index).toISOString() })
  }
  for (const line of lines) await before.recordHotline(line)
  await before.close()
  const callLog = await CallLog.open(file)
  const dialer = new RecordingDialer()
  const hotline = new HotlineService(dialer, callLog, () => true)
  const settings: Settings = { ...v.parse(SettingsSchema, {}), hotlineName: 'Renamed since', ringSeconds: 120 }
  await hotline.resume(callLog.unfinishedHotlineCalls(), settings)
  const outcomeLines = async (): Promise<Array<Record<string, unknown>>> =>
    (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.kind === 'outcome')
  return {
    dialer,
    hotline,
    callLog,
    outcomeLines,
    ledger: () => callLog.list().find((call) => call.uuid === CALLER)!.hotline!,
    close: async () => {
      hotline.close()
      await callLog.close()
      await data.cleanup()
    }
  }
}

describe('a hotline call taken up again after a restart: the rebuilt call', () => {
  it('a staff member who answers after the restart is put through: found by the call id, announced, the others hung up, the ledger says so once', async () => {
    const restarted = await restartedHotline(ledgerLines(Date.now() - 3000))
    try {
      assert.equal(restarted.hotline.active, 1)
      const ncco = await restarted.hotline.staffAnswered(CALL_ID, 0, 'leg-ana')
      assert.deepEqual(
        ncco.map((action) => action.action),
        ['talk', 'conversation']
      )
      // The call's own hotline name, and the caller's number from the call log (allowed here).
      assert.match(String((ncco[0] as { text: string }).text), /^Hello Ana, connecting you to the Code of conduct hotline\. The caller's number is 4 4 7 7/)
      assert.equal((ncco[1] as { name: string }).name, `hotline-${CALL_ID}`)
      assert.deepEqual(restarted.dialer.said, ['Ana is joining this call.'])
      assert.deepEqual(restarted.dialer.hungUp, ['leg-ben'], 'the phone still ringing is hung up; the one that declined is left')
      assert.equal(restarted.ledger().outcome, 'answered')
      assert.equal(restarted.ledger().answeredBy, 'Ana')
      const late = await restarted.hotline.staffAnswered(CALL_ID, 1, 'leg-ben')
      assert.deepEqual(late.map((action) => action.action), ['talk'], 'a second answer is thanked')
      assert.equal((await restarted.outcomeLines()).length, 1)
    } finally {
      await restarted.close()
    }
  })

  it('settles at once a call whose ring time passed while the app was down: the ringing phones time out and are hung up, the caller goes to voicemail', async () => {
    const restarted = await restartedHotline(ledgerLines(Date.now() - RING_SECONDS * 1000 - SETTLE_GRACE_MS - 1000))
    try {
      await waitFor(() => restarted.ledger().outcome === 'voicemail', 'the ledger says voicemail')
      assert.deepEqual(restarted.dialer.transfers.map((transfer) => [transfer.uuid, transfer.ncco.map((action) => action.action)]), [[CALLER, ['talk', 'record', 'talk']]])
      assert.match(String((restarted.dialer.transfers[0]!.ncco[0] as { text: string }).text), /the Code of conduct team/)
      assert.deepEqual(restarted.dialer.hungUp.sort(), ['leg-ana', 'leg-ben'])
      assert.deepEqual(
        restarted.ledger().rung.map((staff) => staff.status),
        ['timeout', 'timeout', 'rejected']
      )
      await waitFor(async () => (await restarted.outcomeLines()).length === 1, 'the outcome is on disk, once')
    } finally {
      await restarted.close()
    }
  })

  it('re-arms the ring timer for the time left', async () => {
    // 300 ms of its ring time (and grace) are left.
    const restarted = await restartedHotline(ledgerLines(Date.now() - RING_SECONDS * 1000 - SETTLE_GRACE_MS + 300))
    try {
      assert.equal(restarted.dialer.transfers.length, 0, 'not yet')
      await waitFor(() => restarted.dialer.transfers.length === 1, 'the timer sends the caller to voicemail', 5000)
      await waitFor(() => restarted.ledger().outcome === 'voicemail', 'the ledger says voicemail')
    } finally {
      await restarted.close()
    }
  })

  it('a caller who hangs up after the restart abandons the call; one whose hang-up was logged before it is abandoned at once', async () => {
    const restarted = await restartedHotline(ledgerLines(Date.now() - 3000))
    try {
      restarted.hotline.callerEvent({ uuid: CALLER, status: 'completed' })
      assert.equal(restarted.ledger().outcome, 'abandoned')
      assert.deepEqual(restarted.dialer.hungUp.sort(), ['leg-ana', 'leg-ben'])
      assert.equal(restarted.dialer.transfers.length, 0)
    } finally {
      await restarted.close()
    }
    const logged = await restartedHotline(ledgerLines(Date.now() - 3000), ['started', 'answered', 'completed'])
    try {
      assert.equal(logged.ledger().outcome, 'abandoned')
      assert.equal(logged.ledger().waitedMs, 2, 'they waited until their logged hang-up')
      assert.deepEqual(logged.dialer.hungUp.sort(), ['leg-ana', 'leg-ben'])
    } finally {
      await logged.close()
    }
  })

  it('closes a call too old to take up, without a word to Vonage; its webhooks find nothing', async () => {
    const restarted = await restartedHotline(ledgerLines(Date.now() - RING_SECONDS * 1000 - SETTLE_GRACE_MS - RESUME_LIMIT_MS - 1000))
    try {
      assert.equal(restarted.hotline.active, 0)
      assert.equal(restarted.ledger().outcome, 'unanswered')
      assert.equal(restarted.ledger().waitedMs, undefined)
      assert.deepEqual(restarted.dialer.hungUp, [])
      assert.deepEqual(restarted.dialer.transfers, [])
      assert.deepEqual((await restarted.hotline.staffAnswered(CALL_ID, 0, 'leg-ana')).map((action) => action.action), ['talk'])
      assert.deepEqual(restarted.callLog.unfinishedHotlineCalls(), [])
    } finally {
      await restarted.close()
    }
  })
})
