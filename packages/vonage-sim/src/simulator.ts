import { EventEmitter } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { createSimAccount, type SimAccount } from './account'
import { apiError } from './api/api-errors'
import { addApplicationRoutes, type VonageApplication, type WebhookAddress } from './api/applications-api'
import type { OutboundRequest } from './api/call-request'
import { addCallRoutes } from './api/calls-api'
import { addFileRoutes, type DownloadRecord } from './api/files-api'
import { RecordingStore } from './api/recording-store'
import type { CallLeg } from './call/call-leg'
import type { CallHandle, PlaceCallOptions } from './call/call-options'
import { Conversations } from './call/conversations'
import { placeCall } from './call/inbound-call'
import { dial, type OutboundCallRecord } from './call/outbound-call'
import { Phones } from './call/phones'
import { loadCallerAudio, type CallerAudio } from './caller/caller-audio'
import { DownloadFaults, type CallFaults, type FakeBody } from './faults'

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0 (a free port). */
  port?: number
  /** Fixed credentials (e.g. the app's own); anything missing is generated. */
  account?: Partial<Omit<SimAccount, 'publicKey'>>
  /** Fault knob: delay before every API response (downloads, Applications API), in ms. */
  latencyMs?: number
  /** The application's voice webhooks, as the Vonage dashboard would hold them. */
  answerUrl?: string
  eventUrl?: string
  /** Recording retention (default 30 days). */
  retentionMs?: number
  /** A request the API host failed on (it answers 500); default: printed to stderr. */
  onRequestError?: (error: Error, request: { method: string; path: string }) => void
  /** Real ms per ring of a dialled phone (default 3000; tests use ~50). */
  ringMs?: number
  /** Pacing of the legs the app dials (`POST /v1/calls`): false skips their talk waits (default true). */
  realtime?: boolean
  /** Called as each `POST /v1/calls` is accepted (same as `sim.on('outbound-call', …)`). */
  onOutboundCall?: (record: OutboundCallRecord) => void
  /** One line per step of the legs the app dials (the CLI prints them). */
  onOutboundProgress?: (line: string) => void
}

/** The simulator's events. */
export interface SimulatorEvents {
  /** The app dialled a number: emitted as the request is accepted, before the 201 reply. */
  'outbound-call': [record: OutboundCallRecord]
}

/**
 * A local stand-in for Vonage: the API host the app downloads recordings from and manages its
 * application on (`VONAGE_API_HOST`), and the caller that places calls on the app's webhooks.
 */
export class VonageSimulator extends EventEmitter<SimulatorEvents> {
  readonly recordings: RecordingStore
  /** Every file download request, in order, with the status it got. */
  readonly downloads: DownloadRecord[] = []
  /** Fault knob: delay before every API response, in ms; change it at any time. */
  latencyMs: number
  /** How each dialled number answers (`phones.set('447700900111', { answer: 'decline' })`). */
  readonly phones = new Phones()
  /** The named conversations of all legs (`conversations.get(name)`: members, status, recording). */
  readonly conversations = new Conversations()
  /** Every call the app placed through `POST /v1/calls`, in order. */
  readonly outboundCalls: OutboundCallRecord[] = []
  /** Real ms per ring of a dialled phone; change it at any time (legs already ringing keep theirs). */
  ringMs: number
  /** Pacing of the legs the app dials: false skips their talk waits. */
  realtime: boolean
  /** Fault knobs for the callbacks of legs the app dials from now on (signing, duplicates, …). */
  outboundFaults: CallFaults = {}
  private readonly faults = new DownloadFaults()
  private readonly legs = new Map<string, CallLeg>()
  private readonly onOutboundProgress: ((line: string) => void) | undefined
  private readonly server: Server
  private applicationState: VonageApplication
  private bundledAudio: CallerAudio | undefined
  private baseUrl = ''

  private constructor(
    readonly account: SimAccount,
    options: SimulatorOptions
  ) {
    super()
    this.latencyMs = options.latencyMs ?? 0
    this.ringMs = options.ringMs ?? 3000
    this.realtime = options.realtime ?? true
    this.onOutboundProgress = options.onOutboundProgress
    if (options.onOutboundCall) this.on('outbound-call', options.onOutboundCall)
    this.recordings = new RecordingStore(options.retentionMs)
    this.applicationState = {
      id: account.applicationId,
      name: 'Voice Journal (simulated)',
      capabilities: {
        voice: {
          signed_callbacks: true,
          webhooks: {
            ...(options.answerUrl ? { answer_url: { address: options.answerUrl, http_method: 'GET' } } : {}),
            ...(options.eventUrl ? { event_url: { address: options.eventUrl, http_method: 'POST' } } : {})
          }
        }
      },
      keys: { public_key: account.publicKey }
    }
    const app = new Hono()
    app.use('*', async (_c, next) => {
      if (this.latencyMs > 0) await sleep(this.latencyMs)
      await next()
    })
    addFileRoutes(app, {
      store: this.recordings,
      faults: this.faults,
      log: this.downloads,
      application: () => ({ id: this.applicationState.id, publicKey: this.applicationState.keys.public_key })
    })
    addApplicationRoutes(app, {
      apiKey: account.apiKey,
      apiSecret: account.apiSecret,
      get: () => this.applicationState,
      set: (application) => (this.applicationState = application)
    })
    addCallRoutes(app, {
      application: () => ({ id: this.applicationState.id, publicKey: this.applicationState.keys.public_key }),
      dial: (request, body) => this.dial(request, body),
      leg: (uuid) => this.legs.get(uuid)
    })
    app.notFound((c) => apiError(c, 404, 'Not Found', `The simulator has no ${c.req.method} ${new URL(c.req.url).pathname}.`))
    const onRequestError = options.onRequestError ?? ((error, request) => console.error(`[vonage-sim] ${request.method} ${request.path} failed:`, error))
    app.onError((error, c) => {
      onRequestError(error, { method: c.req.method, path: new URL(c.req.url).pathname })
      return apiError(c, 500, 'Internal Error', error.message)
    })
    this.server = createServer(getRequestListener(app.fetch))
  }

  /** Starts the API server; resolves once it listens. */
  static async start(options: SimulatorOptions = {}): Promise<VonageSimulator> {
    const simulator = new VonageSimulator(createSimAccount(options.account), options)
    const host = options.host ?? '127.0.0.1'
    await new Promise<void>((resolve, reject) => {
      simulator.server.once('error', reject)
      simulator.server.listen(options.port ?? 0, host, () => resolve())
    })
    const { port } = simulator.server.address() as AddressInfo
    simulator.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
    return simulator
  }

  /** The API base, e.g. http://127.0.0.1:41234: the app's VONAGE_API_HOST. */
  get url(): string {
    return this.baseUrl
  }

  /** The application as the Applications API holds it (what GET returns, less `_links`). */
  get application(): VonageApplication {
    return this.applicationState
  }

  /** What the app must be configured with to take this simulator's calls and downloads. */
  appEnvironment(privateKeyPath?: string): Record<string, string> {
    return {
      VONAGE_APPLICATION_ID: this.account.applicationId,
      VONAGE_PRIVATE_KEY: privateKeyPath ?? this.account.privateKey,
      VONAGE_SIGNATURE_SECRET: this.account.signatureSecret,
      VONAGE_API_HOST: this.url
    }
  }

  /** Fault knob: the next `count` file downloads fail with `status` (default 503), before any other check. */
  failNextDownloads(count: number, status = 503): void {
    this.faults.failCount = count
    this.faults.failStatus = status
  }

  /** Fault knob: downloads of `fileId` answer 200 with this body instead of the audio (default: an HTML page labelled audio/mpeg). */
  serveNonAudio(fileId: string, fake: Partial<FakeBody> = {}): void {
    this.faults.fakeBodies.set(fileId, {
      contentType: fake.contentType ?? 'audio/mpeg',
      body: fake.body ?? '<!doctype html><html><body><h1>Service temporarily unavailable</h1></body></html>'
    })
  }

  /** Fault knob: ages a recording past Vonage's 30 days; its URL then answers 404. */
  expireRecording(fileId: string): void {
    this.recordings.expire(fileId)
  }

  /**
   * Places one inbound call on the app. Answer and event URLs default to the application's
   * voice webhooks (set by the options or through the Applications API).
   */
  placeCall(options: PlaceCallOptions = {}): CallHandle {
    const voice = this.applicationState.capabilities.voice
    const webhooks = voice?.webhooks ?? {}
    const answerUrl = options.answerUrl ?? webhooks.answer_url?.address
    const eventUrl = options.eventUrl ?? webhooks.event_url?.address
    if (!answerUrl || !eventUrl) throw new Error('placeCall needs an answer URL and an event URL (options or the application webhooks).')
    return placeCall(
      {
        account: this.account,
        store: this.recordings,
        baseUrl: this.url,
        audio: () => options.audio ?? (this.bundledAudio ??= loadCallerAudio()),
        conversations: this.conversations,
        answerUrl,
        answerMethod: options.answerMethod ?? webhooks.answer_url?.http_method ?? 'GET',
        ...(webhooks.fallback_answer_url && !options.answerUrl ? { fallbackAnswerUrl: webhooks.fallback_answer_url.address } : {}),
        eventUrl,
        register: (leg) => this.legs.set(leg.uuid, leg)
      },
      {
        // The application's own settings, as Vonage applies them; explicit options win.
        ...(voice?.signed_callbacks === false ? { signing: 'none' as const } : {}),
        ...timeouts(webhooks.answer_url, webhooks.event_url),
        ...options
      }
    )
  }

  /** Starts the leg `POST /v1/calls` asked for; it rings the number as `phones` says. */
  private dial(request: OutboundRequest, body: Record<string, unknown>): OutboundCallRecord {
    const eventHook = this.applicationState.capabilities.voice?.webhooks.event_url
    const { leg, record } = dial({
      environment: {
        account: this.account,
        store: this.recordings,
        baseUrl: this.url,
        audio: () => (this.bundledAudio ??= loadCallerAudio()),
        conversations: this.conversations,
        // No event_url in the request: the application's, as Vonage does.
        eventUrl: request.eventUrl ?? eventHook?.address,
        eventMethod: request.eventUrl ? request.eventMethod : (eventHook?.http_method ?? 'POST')
      },
      request,
      body,
      phone: this.phones.get(request.to),
      pickedUp: (signal) => this.phones.pickedUp(request.to, signal),
      ringMs: this.ringMs,
      options: { realtime: this.realtime, ...(this.onOutboundProgress ? { onProgress: this.onOutboundProgress } : {}), ...this.outboundFaults }
    })
    this.legs.set(record.uuid, leg)
    this.outboundCalls.push(record)
    this.emit('outbound-call', record)
    return record
  }

  /** Stops the API host; legs still ringing or talking are hung up, so no timer outlives the simulator. */
  async close(): Promise<void> {
    for (const leg of this.legs.values()) if (leg.state !== 'ended') leg.hangUp()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** `connect_timeout`/`socket_timeout` (ms) of the application's webhooks, when set. */
function timeouts(answer: WebhookAddress | undefined, event: WebhookAddress | undefined): Partial<PlaceCallOptions> {
  const ms = (value: unknown): number | undefined => (typeof value === 'number' && value > 0 ? value : undefined)
  const connect = ms(answer?.connect_timeout)
  const answerRead = ms(answer?.socket_timeout)
  const eventRead = ms(event?.socket_timeout)
  return {
    ...(connect ? { connectTimeoutMs: connect } : {}),
    ...(answerRead ? { answerTimeoutMs: answerRead } : {}),
    ...(eventRead ? { eventTimeoutMs: eventRead } : {})
  }
}
