import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import type { IntakeMode, IntakeStatus } from '#shared/intake'
import type { Settings, SettingsStore } from '../app/settings'
import type { WebhookServer } from '../http/webhook-server'
import { entryPath } from '../journal/entry-path'
import type { Journal } from '../journal/journal'
import { ServiceStack } from '../app/service-stack'
import { CallIds } from './call-ids'
import { CallLog } from './call-log'
import { CallSimulation } from './call-simulation'
import { downloadRecording } from './recording-downloader'
import type { RecordingJob } from './recording-event'
import { RecordingQueue } from './recording-queue'
import { TranscriptQueue } from './transcript-queue'
import { downloadTranscript, readTranscriptFile } from './transcript-download'
import { findRecordingEntry } from './recording-entry'
import { SocketTokens } from './socket-tokens'
import { StreamReceiver } from './stream-receiver'
import { mountWebhookRoutes } from './webhook-routes'
import { logger } from '../app/logging'
import { HotlineService } from '../hotline/hotline-service'
import { vonageStaffDialer } from '../hotline/staff-dialer'
import type { TeamEvent } from '../notify/team-event'
import type { EntryDto } from '#shared/dto'

const log = logger('intake')

export interface IntakeOptions {
  dataDir: string
  settings: SettingsStore
  /** The journal new calls go to. */
  journal: () => Journal
  /**
   * Every journal of mine a call's recording may have landed in, the active one first: a
   * transcript comes after its recording, and the active journal may have changed in between.
   * Defaults to the active journal alone.
   */
  ownJournals?: () => Journal[]
  webhooks: WebhookServer
  /** Recording downloads at once (tests and benchmarks tune it). */
  downloadConcurrency?: number
  /** The name people know the active journal by (for messages to the team); its key without it. */
  journalName?: () => string
  /**
   * Tells the team: a call's recording became an entry, a download failed for good. Called
   * synchronously and must not block or throw (the Notifier queues and returns at once).
   */
  notify?: (event: TeamEvent) => void
}

/** Live calls are written into the journal at shutdown; a long one takes seconds. */
export const HAND_OVER_LIMIT_MS = 20_000

/** Pushes for the window are coalesced: a burst of frames or downloads is one update. */
const PUSH_DELAY_MS = 250

/** "30 Nov 2026, 13:24", as the window names an entry without a title. */
const RECORDING_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })

/**
 * Phone intake: the webhook routes, the durable recording queue (record mode), the WebSocket
 * receiver (stream mode) and the private call log, wired to the active journal.
 */
export class IntakeService extends EventEmitter<{ intake: [IntakeStatus]; calls: [{ count: number }] }> {
  private pushTimer: NodeJS.Timeout | null = null
  private liveTicker: NodeJS.Timeout | null = null

  private constructor(
    private readonly options: IntakeOptions,
    readonly callLog: CallLog,
    readonly recordings: RecordingQueue,
    readonly transcripts: TranscriptQueue,
    readonly streams: StreamReceiver,
    private readonly simulation: CallSimulation,
    private readonly stack: ServiceStack,
    readonly hotline: HotlineService
  ) {
    super()
  }

  static async boot(options: IntakeOptions): Promise<IntakeService> {
    const privateDir = join(options.dataDir, 'intake')
    // Closed last opened first: live calls are handed over while the queue and the log still take them.
    const stack = new ServiceStack()
    const callLog = stack.opened('call log', await CallLog.open(join(privateDir, 'calls.jsonl')), (log) => log.close())
    const tokens = await SocketTokens.load(join(privateDir, 'socket-key'))
    const callIds = await CallIds.load(join(privateDir, 'call-id-key'))
    // Jobs queued before call ids existed have only the conversation: the id comes from it then.
    const callIdOf = (job: RecordingJob): string | undefined => job.callId ?? (job.conversationUuid ? callIds.of(job.conversationUuid) : undefined)
    const simulation = stack.opened('call simulation', new CallSimulation(options.dataDir, () => options.webhooks.localUrl), (sim) => sim.close())
    const settings = (): Settings => simulation.effective(options.settings.value)
    const recordings = new RecordingQueue({
      dir: join(privateDir, 'recordings'),
      concurrency: options.downloadConcurrency,
      download: (job, file) => downloadRecording(job.url, file, settings()),
      // A journal catching up may not hold its index yet; adding finds a repeated recording anyway.
      existingEntry: async (job) => (options.journal().writeHold ? null : options.journal().getEntry(entryPath(new Date(job.startedAt), job.recordingUuid, 'mp3'))),
      addToJournal: async (job, file) => {
        // A restored journal catching up with its peers: the recording waits here, still queued durably.
        await options.journal().untilWritesAllowed()
        const callId = callIdOf(job)
        const entry = await options.journal().addAudioFile(file, { source: 'record', id: job.recordingUuid, madeAt: new Date(job.startedAt), ...(callId ? { callId } : {}) })
        if (job.conversationUuid) await callLog.linkEntry({ conversationUuid: job.conversationUuid, entryPath: entry.path })
        // Here rather than on the queue's 'added': a redelivered event for an entry that exists is no news.
        service.tellTeamAbout(entry, callId)
        return entry
      }
    })
    const ownJournals = options.ownJournals ?? ((): Journal[] => [options.journal()])
    const transcripts = new TranscriptQueue({
      dir: join(privateDir, 'transcripts'),
      download: (job, file) => downloadTranscript(job.url, file, settings()),
      readKept: readTranscriptFile,
      findEntry: async (job) => {
        for (const journal of ownJournals()) {
          const path = await findRecordingEntry(journal, job.recordingUuid, job.receivedAt)
          if (path) return { journal, path }
        }
        return null
      },
      hasTranscript: ({ journal, path }) => journal.hasTranscript(path),
      store: async ({ journal, path }, transcript) => {
        // A restored journal catching up: the transcript waits here, still queued durably.
        await journal.untilWritesAllowed()
        await journal.putTranscript(path, transcript)
      }
    })
    const streams = new StreamReceiver({
      dir: join(privateDir, 'streams'),
      tokens,
      maxSeconds: () => settings().maxSeconds,
      deliver: async (recording) => {
        await options.journal().untilWritesAllowed()
        const entry = await options.journal().addAudioFile(recording.file, {
          source: 'stream',
          id: recording.callUuid,
          madeAt: new Date(recording.startedAt),
          partial: recording.partial,
          ...(recording.audio ? { audio: recording.audio } : {})
        })
        await callLog.linkEntry({ uuid: recording.callUuid, entryPath: entry.path })
        service.tellTeamAbout(entry, callIds.of(recording.callUuid))
      }
    })
    stack.opened('recording queue', recordings, (queue) => queue.stop())
    stack.opened('transcript queue', transcripts, (queue) => queue.stop())
    // A call cut off here is not lost: its file stays on disk and becomes an entry at the next start.
    stack.opened('stream receiver', streams, (receiver) => receiver.shutdown(), HAND_OVER_LIMIT_MS)
    const hotline = stack.opened('hotline', new HotlineService(vonageStaffDialer(settings), callLog, () => settings().showCallerNumber), (calls) => calls.close())
    const service = new IntakeService(options, callLog, recordings, transcripts, streams, simulation, stack, hotline)
    mountWebhookRoutes(options.webhooks.app, {
      settings,
      callLog,
      tokens,
      // Only the durable queue is touched before the acknowledgement; a redelivered recording that
      // is already in the journal is recognised by the worker, without downloading it again.
      acceptRecording: async (job) => {
        const callId = callIdOf(job)
        await recordings.enqueue(callId ? { ...job, callId } : job)
      },
      // The same: only the durable queue before the acknowledgement.
      acceptTranscript: async (job) => {
        await transcripts.enqueue(job)
      },
      onCallEvent: (event) => {
        hotline.callerEvent(event)
        service.emit('calls', { count: callLog.size })
      },
      hotline
    })
    hotline.on('ledger', () => service.emit('calls', { count: callLog.size }))
    // The hotline's events are the team's; the notifier leaves the caller's number out unless allowed.
    hotline.on('event', (event) => service.tell(event))
    options.webhooks.httpServer.on('upgrade', (request, socket, head) => {
      if (new URL(request.url ?? '/', 'http://localhost').pathname === '/webhooks/socket') streams.handleUpgrade(request, socket, head)
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    })
    for (const source of [recordings, transcripts, streams]) source.on('change', () => service.schedulePush())
    recordings.on('added', (job) => {
      // A transcript that came first was waiting for this entry.
      transcripts.recordingLanded(job.recordingUuid)
      service.emit('calls', { count: callLog.size })
    })
    transcripts.on('failed', (job, reason) => log.error({ recording: job.recordingUuid, reason }, 'a transcript download failed for good'))
    recordings.on('failed', (job, reason) => {
      log.error({ recording: job.recordingUuid, reason }, 'a recording download failed for good')
      service.tell({ type: 'download-failed', at: Date.now(), recordingUuid: job.recordingUuid, reason })
    })
    streams.on('error', (error) => log.error({ err: error }, 'stream recording'))
    streams.on('ended', (summary) => log.debug(summary, 'stream call written'))
    try {
      await streams.boot()
      // Transcripts first: the recordings' downloads start as their queue boots, and the app is
      // ready right after (tests change the simulator's latency at that moment).
      await transcripts.boot()
      await recordings.boot()
      // Before the webhooks listen: a staff member who answers right after a restart finds the call.
      // Whatever the mode now: a change of mode, like any setting, applies to the next call.
      await hotline.resume(callLog.unfinishedHotlineCalls(), settings())
    } catch (error) {
      // Half-booted: close what is open (the call log's file) before the error goes on.
      await stack.closeAll()
      throw error
    }
    return service
  }

  status(): IntakeStatus {
    return { mode: this.simulation.effective(this.options.settings.value).mode, liveCalls: this.streams.liveCalls(), downloads: [...this.recordings.snapshot(), ...this.transcripts.snapshot()] }
  }

  /** A call from the built-in simulator, through the real webhooks (only without a Vonage account). */
  simulateCall(mode: IntakeMode): Promise<string> {
    return this.simulation.place(this.options.settings.value, mode, (error) => {
      if (error) log.warn({ reason: error }, 'the simulated call failed')
      this.schedulePush()
    })
  }

  /** A call's recording became `entry`; `callId` is the call's opaque id (a keyed hash, never Vonage's id or a number). */
  private tellTeamAbout(entry: EntryDto, callId: string | undefined): void {
    const journal = this.options.journal()
    let name = journal.id
    try {
      name = this.options.journalName?.() ?? name
    } catch (error) {
      log.warn({ err: error }, "cannot read the active journal's name for the team's message")
    }
    this.tell({
      type: 'entry-added',
      at: Date.now(),
      journal: name,
      entryPath: entry.path,
      title: entry.title?.trim() || `Recording ${RECORDING_TIME.format(entry.mtime)}`,
      ...(callId ? { callId } : {})
    })
  }

  /** The team's messages never hold up a call: a notifier that throws is logged and forgotten. */
  tell(event: TeamEvent): void {
    try {
      this.options.notify?.(event)
    } catch (error) {
      log.error({ err: error, type: event.type }, 'telling the team failed')
    }
  }

  /** Live calls end and are handed over first, then the queue, the simulator and the call log close, each on its own. */
  async shutdown(): Promise<void> {
    if (this.pushTimer) clearTimeout(this.pushTimer)
    if (this.liveTicker) clearInterval(this.liveTicker)
    const failures = await this.stack.closeAll()
    if (failures.length > 0) throw new Error(`phone intake: ${failures.map((failure) => failure.name).join(', ')} did not close cleanly`)
  }

  private schedulePush(): void {
    // While calls are live, the window's elapsed times are refreshed once a second.
    const live = this.streams.liveCalls().length > 0
    if (live && !this.liveTicker) this.liveTicker = setInterval(() => this.schedulePush(), 1000)
    if (!live && this.liveTicker) {
      clearInterval(this.liveTicker)
      this.liveTicker = null
    }
    if (this.pushTimer) return
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null
      this.emit('intake', this.status())
    }, PUSH_DELAY_MS)
  }
}
