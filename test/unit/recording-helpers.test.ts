import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { ElapsedClock } from '../../src/renderer/src/recording/elapsed-clock'
import { levelOf } from '../../src/renderer/src/recording/level-meter'
import { microphoneErrorMessage } from '../../src/renderer/src/recording/microphone-errors'
import { formatElapsed, pickRecordingMimeType } from '../../src/renderer/src/recording/recording-format'

describe("the window's recorder, its pure parts", () => {
  it('records Opus in WebM where it can, in Ogg where that is what the browser has, and says when neither', () => {
    assert.equal(pickRecordingMimeType(() => true), 'audio/webm;codecs=opus')
    assert.equal(pickRecordingMimeType((type) => type.startsWith('audio/ogg')), 'audio/ogg;codecs=opus')
    assert.equal(pickRecordingMimeType((type) => type === 'audio/mp4'), null)
  })

  it('counts recorded time only, paused time left out', () => {
    let now = 1000
    const clock = new ElapsedClock(() => now)
    clock.start()
    now += 5000
    clock.pause()
    now += 2000
    assert.equal(clock.elapsedMs(), 5000)
    clock.resume()
    now += 3000
    assert.equal(clock.elapsedMs(), 8000)
  })

  it('shows elapsed time as minutes and seconds, hours once there are any', () => {
    assert.equal(formatElapsed(0), '0:00')
    assert.equal(formatElapsed(65_400), '1:05')
    assert.equal(formatElapsed(3_605_000), '1:00:05')
  })

  it('maps the level from silence to full scale onto 0–100', () => {
    assert.equal(levelOf(new Float32Array(128)), 0)
    assert.equal(levelOf(new Float32Array(128).fill(1)), 100)
    const quiet = levelOf(new Float32Array(128).fill(0.01))
    const loud = levelOf(new Float32Array(128).fill(0.3))
    assert.ok(quiet > 0 && quiet < loud && loud < 100, `${quiet} < ${loud}`)
  })

  it('tells a person what to do about each refusal of the microphone', () => {
    const refusal = (name: string): Error => Object.assign(new Error('browser words'), { name })
    assert.match(microphoneErrorMessage(refusal('NotAllowedError')), /not allowed.*Allow it in the site settings.*privacy settings/s)
    assert.match(microphoneErrorMessage(refusal('NotFoundError')), /No microphone was found/)
    assert.match(microphoneErrorMessage(refusal('OverconstrainedError')), /no longer there.*Choose another/)
    assert.match(microphoneErrorMessage(refusal('NotReadableError')), /another app may be using it/)
    assert.match(microphoneErrorMessage(refusal('TypeError')), /could not be used: browser words/)
  })
})
