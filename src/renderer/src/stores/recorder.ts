import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { RECORDING_TIMESLICE_MS } from '#shared/api'
import type { EntryDto, RecordingTicket } from '#shared/dto'
import { useApi } from '../api/current'
import { errorMessage } from '../format/error'
import { ChunkUploader } from '../recording/chunk-uploader'
import { ElapsedClock } from '../recording/elapsed-clock'
import { listInputDevices, rememberedInput, rememberInput, type InputDevice } from '../recording/input-devices'
import { LevelMeter } from '../recording/level-meter'
import { microphoneErrorMessage, NO_RECORDER_MESSAGE } from '../recording/microphone-errors'
import { pickRecordingMimeType } from '../recording/recording-format'
import { useJournalStore } from './journal'

export type RecorderState = 'closed' | 'ready' | 'starting' | 'recording' | 'paused' | 'saving'

/** Longer than this, a cancel asks first: a few seconds are a false start, more are someone's words. */
export const CANCEL_WITHOUT_ASKING_MS = 3000
const ELAPSED_TICK_MS = 100

/**
 * Recording an entry at the desk: the microphone, its level, the time, and the recording itself,
 * streamed to the services a second at a time as the active journal's next entry. What the
 * services hold survives this window: closing it mid-way leaves a partial entry; only Cancel
 * throws a recording away.
 */
export const useRecorderStore = defineStore('recorder', () => {
  const state = ref<RecorderState>('closed')
  const error = ref<string | null>(null)
  const devices = ref<InputDevice[]>([])
  const chosenDevice = ref<string>('')
  const level = ref(0)
  const elapsedMs = ref(0)
  const confirmingCancel = ref(false)
  const lastSaved = shallowRef<EntryDto | null>(null)

  const active = computed(() => state.value === 'recording' || state.value === 'paused')
  const busy = computed(() => state.value === 'starting' || state.value === 'saving')

  let session: {
    stream: MediaStream
    recorder: MediaRecorder
    uploader: ChunkUploader
    meter: LevelMeter
    clock: ElapsedClock
    ticker: ReturnType<typeof setInterval>
    keepAlive: ReturnType<typeof setInterval> | null
    /** While paused no audio flows, so the window tells the services it is still there this often. */
    keepAliveMs: number
  } | null = null

  async function open(): Promise<void> {
    if (state.value !== 'closed') return
    state.value = 'ready'
    error.value = null
    confirmingCancel.value = false
    elapsedMs.value = 0
    level.value = 0
    await refreshDevices()
  }

  async function refreshDevices(): Promise<void> {
    try {
      devices.value = await listInputDevices()
    } catch {
      devices.value = []
    }
    const remembered = rememberedInput()
    const keep = [chosenDevice.value, remembered].find((id) => id && devices.value.some((d) => d.deviceId === id))
    chosenDevice.value = keep ?? devices.value[0]?.deviceId ?? ''
  }

  function chooseDevice(deviceId: string): void {
    chosenDevice.value = deviceId
    rememberInput(deviceId)
  }

  async function start(): Promise<void> {
    if (state.value !== 'ready') return
    error.value = null
    const mimeType = typeof MediaRecorder === 'undefined' ? null : pickRecordingMimeType((type) => MediaRecorder.isTypeSupported(type))
    if (!mimeType || !navigator.mediaDevices?.getUserMedia) {
      error.value = NO_RECORDER_MESSAGE
      return
    }
    state.value = 'starting'
    let stream: MediaStream
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: chosenDevice.value ? { deviceId: { exact: chosenDevice.value } } : true, video: false })
    } catch (err) {
      error.value = microphoneErrorMessage(err)
      state.value = 'ready'
      await refreshDevices()
      return
    }
    const used = stream.getAudioTracks()[0]?.getSettings().deviceId
    // Now that the page may use the microphone, the list can name each input.
    await refreshDevices()
    if (used && devices.value.some((d) => d.deviceId === used)) chooseDevice(used)
    let ticket: RecordingTicket
    try {
      ticket = await useApi().beginRecording()
    } catch (err) {
      stopTracks(stream)
      error.value = errorMessage(err)
      state.value = 'ready'
      return
    }
    begin(stream, mimeType, ticket)
  }

  function begin(stream: MediaStream, mimeType: string, ticket: RecordingTicket): void {
    const recorder = new MediaRecorder(stream, { mimeType })
    const uploader = new ChunkUploader(useApi(), ticket.importId, (err) => void failed(`The recording stopped: ${errorMessage(err)}`))
    recorder.addEventListener('dataavailable', (event) => uploader.send(event.data))
    const clock = new ElapsedClock()
    const meter = new LevelMeter(stream, (value) => (level.value = value))
    const ticker = setInterval(() => (elapsedMs.value = clock.elapsedMs()), ELAPSED_TICK_MS)
    session = { stream, recorder, uploader, meter, clock, ticker, keepAlive: null, keepAliveMs: ticket.keepAliveMs }
    // A microphone unplugged mid-way ends the track: keep what was said.
    stream.getAudioTracks()[0]?.addEventListener('ended', () => {
      if (active.value) void stop()
    })
    recorder.start(RECORDING_TIMESLICE_MS)
    clock.start()
    state.value = 'recording'
  }

  function pause(): void {
    if (!session || state.value !== 'recording') return
    session.recorder.pause()
    session.clock.pause()
    elapsedMs.value = session.clock.elapsedMs()
    const { uploader } = session
    session.keepAlive = setInterval(() => {
      useApi()
        .keepRecording({ importId: uploader.importId })
        .catch((err: unknown) => void failed(`The recording stopped: ${errorMessage(err)}`))
    }, session.keepAliveMs)
    state.value = 'paused'
  }

  function resume(): void {
    if (!session || state.value !== 'paused') return
    if (session.keepAlive) clearInterval(session.keepAlive)
    session.keepAlive = null
    session.recorder.resume()
    session.clock.resume()
    state.value = 'recording'
  }

  /** Stops, sends the last piece, and makes the recording an entry. */
  async function stop(): Promise<void> {
    const current = session
    if (!current || !active.value) return
    state.value = 'saving'
    confirmingCancel.value = false
    await stopRecorder(current.recorder)
    await current.uploader.drained()
    release()
    if (current.uploader.failure !== null) return
    try {
      lastSaved.value = await useApi().finishImport({ importId: current.uploader.importId })
      useJournalStore().refreshSoon()
      state.value = 'closed'
    } catch (err) {
      error.value = `The recording could not be kept: ${errorMessage(err)}`
      state.value = 'ready'
    }
  }

  /** Cancel from the panel (or Escape): asks first once something worth keeping was said. */
  function requestCancel(): void {
    if (busy.value) return
    if (!active.value) {
      close()
      return
    }
    if (elapsedMs.value > CANCEL_WITHOUT_ASKING_MS && !confirmingCancel.value) confirmingCancel.value = true
    else void discard()
  }

  function keepRecording(): void {
    confirmingCancel.value = false
  }

  async function discard(): Promise<void> {
    const current = session
    if (!current) return
    confirmingCancel.value = false
    state.value = 'saving'
    await stopRecorder(current.recorder)
    // Whatever is still being sent must land before the cancel, or it would start nothing new but fail loudly.
    await current.uploader.drained()
    release()
    await useApi()
      .cancelImport({ importId: current.uploader.importId })
      .catch(() => undefined)
    state.value = 'closed'
  }

  function close(): void {
    if (active.value || busy.value) return
    state.value = 'closed'
    error.value = null
  }

  async function failed(message: string): Promise<void> {
    const current = session
    if (!current) return
    release()
    if (current.recorder.state !== 'inactive') current.recorder.stop()
    error.value = message
    state.value = 'ready'
  }

  function release(): void {
    if (!session) return
    clearInterval(session.ticker)
    if (session.keepAlive) clearInterval(session.keepAlive)
    session.meter.stop()
    stopTracks(session.stream)
    elapsedMs.value = session.clock.elapsedMs()
    level.value = 0
    session = null
  }

  return {
    state,
    error,
    devices,
    chosenDevice,
    level,
    elapsedMs,
    confirmingCancel,
    lastSaved,
    active,
    busy,
    open,
    chooseDevice,
    start,
    pause,
    resume,
    stop,
    requestCancel,
    keepRecording,
    discard,
    close
  }
})

/** Resolves once the recorder has handed over its last piece. */
function stopRecorder(recorder: MediaRecorder): Promise<void> {
  if (recorder.state === 'inactive') return Promise.resolve()
  const stopped = new Promise<void>((resolve) => recorder.addEventListener('stop', () => resolve(), { once: true }))
  recorder.stop()
  return stopped
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop()
}
