import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { QuitSequence, SHUTDOWN_LIMIT_MS, type QuitSequenceOptions } from '../../src/main/desktop/quit-sequence'

/** The sequence with Electron's side recorded: the shell stopped, the log flushed, app.exit's code. */
function sequence(shutdown: () => Promise<void>, overrides: Partial<QuitSequenceOptions> = {}) {
  const events: string[] = []
  let exitWith: (code: number) => void = () => {}
  const exited = new Promise<number>((resolve) => (exitWith = resolve))
  const quit = new QuitSequence({
    stopShell: () => events.push('tray removed'),
    shutdown: () => {
      events.push('shutdown')
      return shutdown()
    },
    flushLogs: async () => {
      events.push('logs flushed')
    },
    exit: (code) => {
      events.push(`exit ${code}`)
      exitWith(code)
    },
    ...overrides
  })
  return { quit, events, exited }
}

describe('quitting the desktop app', () => {
  it('removes the tray, shuts the services down, flushes the log and exits with 0', async () => {
    const { quit, events, exited } = sequence(async () => {})
    assert.equal(quit.started, false)
    await quit.run('quit')
    assert.equal(await exited, 0)
    assert.deepEqual(events, ['tray removed', 'shutdown', 'logs flushed', 'exit 0'])
  })

  it('exits anyway, with 1, when the shutdown does not finish within its limit', async () => {
    // A close that never ends (a peer that never answers): the app must not linger without a tray.
    const started = Date.now()
    const { quit, events, exited } = sequence(() => new Promise<void>(() => {}), { limitMs: 200 })
    await quit.run('quit')
    assert.equal(await exited, 1)
    assert.ok(Date.now() - started >= 190, 'it waited for the limit')
    assert.deepEqual(events, ['tray removed', 'shutdown', 'logs flushed', 'exit 1'])
    assert.equal(SHUTDOWN_LIMIT_MS, 10_000)
  })

  it('exits with 1 when the shutdown fails, or throws before its first await', async () => {
    const failing = sequence(async () => {
      throw new Error('swarm would not close')
    })
    await failing.quit.run('quit')
    assert.equal(await failing.exited, 1)
    const throwing = sequence(() => {
      throw new Error('already closed')
    })
    await throwing.quit.run('quit')
    assert.equal(await throwing.exited, 1)
  })

  it('shuts down once however many ways the end arrives (Quit, system shutdown, session end)', async () => {
    let finish: () => void = () => {}
    const closing = new Promise<void>((resolve) => (finish = resolve))
    const { quit, events, exited } = sequence(() => closing)
    const first = quit.run('quit')
    const second = quit.run('the system is shutting down')
    const third = quit.run('the Windows session is ending')
    assert.equal(quit.started, true)
    finish()
    await Promise.all([first, second, third])
    assert.equal(await exited, 0)
    assert.deepEqual(events, ['tray removed', 'shutdown', 'logs flushed', 'exit 0'])
  })

  it('uses the exit code it was given for a clean close (a failed start exits 1 after closing)', async () => {
    const { quit, exited } = sequence(async () => {})
    await quit.run('start failed', 1)
    assert.equal(await exited, 1)
  })

  it('still shuts down and exits when removing the tray fails', async () => {
    const { quit, events, exited } = sequence(async () => {}, {
      stopShell: () => {
        throw new Error('tray already destroyed')
      }
    })
    await quit.run('quit')
    assert.equal(await exited, 0)
    assert.deepEqual(events, ['shutdown', 'logs flushed', 'exit 0'])
  })
})
