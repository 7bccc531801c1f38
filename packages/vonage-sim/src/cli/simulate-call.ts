/**
 * `vonage-sim --app http://127.0.0.1:3000` (in Voice Journal also `npm run simulate-call -- …`): one
 * phone call placed on a running app by the simulator. Progress goes to stderr, one JSON line with
 * the outcome to stdout; exits 0 when the call completed.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { get as httpsGet } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { loadCallerAudio, VonageSimulator, type CallerAudio, type CallResult, type PhoneBehaviour, type SimAccount } from '../index'

const USAGE = `Usage: vonage-sim --app URL [options]
       (from the Voice Journal project also: npm run simulate-call -- --app URL [options])
  --app URL               the app's webhook base: calls go to URL/webhooks/answer and URL/webhooks/event
  --mode record|stream    what you expect (informational: the app's NCCO decides)
  --from N                caller number, E.164 digits (default 447700900001)
  --to N                  number called (default 447700900000)
  --audio FILE            what the caller says: WAV (any format) or MP3 (record mode only);
                          default: bundled speech
  --application-id ID     the app's Vonage application id       (default: $VONAGE_APPLICATION_ID)
  --private-key FILE      the app's private key PEM file         (default: $VONAGE_PRIVATE_KEY)
  --secret S              the app's signature secret             (default: $VONAGE_SIGNATURE_SECRET)
                          (any credential not given is generated, and the settings the app needs are printed)
  --sim-port N            simulator port (default: the port of $VONAGE_API_HOST on this machine, else free)
  --answer-method GET|POST  how the answer webhook is called (default GET)
  --fast                  no real-time waits (talk, recording, streaming)
  --linger S              seconds to keep serving the recording for the app to download (default 30)
  --phone NUMBER=HOW      how a number the app dials (POST /v1/calls) answers; repeatable. HOW is
                          after-rings:N, decline[:N], busy, never or fail, optionally ,talk=MS
                          (how long the person stays in the conversation); default: after one ring
  --ring-ms N             real ms per ring of a dialled phone (default 3000)`

interface CliOptions {
  app: string
  mode?: string
  from: string
  to: string
  audio?: string
  account: Partial<Omit<SimAccount, 'publicKey'>>
  privateKeyPath?: string
  simPort: number
  answerMethod: 'GET' | 'POST'
  fast: boolean
  lingerMs: number
  phones: Array<[string, PhoneBehaviour]>
  ringMs: number
}

const say = (line: string): void => console.error(`[vonage-sim] ${line}`)

function parseOptions(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      app: { type: 'string' },
      mode: { type: 'string' },
      from: { type: 'string', default: '447700900001' },
      to: { type: 'string', default: '447700900000' },
      audio: { type: 'string' },
      'application-id': { type: 'string' },
      'private-key': { type: 'string' },
      secret: { type: 'string' },
      'sim-port': { type: 'string' },
      'answer-method': { type: 'string', default: 'GET' },
      fast: { type: 'boolean', default: false },
      linger: { type: 'string', default: '30' },
      phone: { type: 'string', multiple: true, default: [] },
      'ring-ms': { type: 'string', default: '3000' },
      help: { type: 'boolean', default: false }
    }
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  if (!values.app || !URL.canParse(values.app)) throw new Error('--app must be the app\'s URL, e.g. http://127.0.0.1:3000')
  if (values.mode !== undefined && values.mode !== 'record' && values.mode !== 'stream') throw new Error('--mode must be record or stream')
  const answerMethod = values['answer-method'].toUpperCase()
  if (answerMethod !== 'GET' && answerMethod !== 'POST') throw new Error('--answer-method must be GET or POST')
  for (const [flag, value] of [['--from', values.from], ['--to', values.to]] as const) {
    if (!/^\d{6,15}$/.test(value)) throw new Error(`${flag} must be E.164 digits without "+"`)
  }
  const linger = Number(values.linger)
  if (!Number.isFinite(linger) || linger < 0) throw new Error('--linger must be a number of seconds')
  const ringMs = Number(values['ring-ms'])
  if (!Number.isFinite(ringMs) || ringMs < 1) throw new Error('--ring-ms must be a number of milliseconds ≥ 1')

  const env = process.env
  const keySource = values['private-key'] ?? env.VONAGE_PRIVATE_KEY
  const isPem = keySource?.includes('-----BEGIN') ?? false
  let privateKey: string | undefined
  if (keySource) {
    try {
      privateKey = isPem ? keySource : readFileSync(keySource, 'utf8')
    } catch (error) {
      throw new Error(`Cannot read the private key ${keySource}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
  }
  const applicationId = values['application-id'] ?? env.VONAGE_APPLICATION_ID
  const secret = values.secret ?? env.VONAGE_SIGNATURE_SECRET
  return {
    // The headless host prints its webhook URL as …/webhooks: accept that too.
    app: values.app.replace(/\/+$/, '').replace(/\/webhooks$/, ''),
    ...(values.mode ? { mode: values.mode } : {}),
    from: values.from,
    to: values.to,
    ...(values.audio ? { audio: values.audio } : {}),
    account: {
      ...(applicationId ? { applicationId } : {}),
      ...(privateKey ? { privateKey } : {}),
      ...(secret ? { signatureSecret: secret } : {})
    },
    ...(keySource && !isPem ? { privateKeyPath: keySource } : {}),
    simPort: simPort(values['sim-port'], env.VONAGE_API_HOST),
    answerMethod,
    fast: values.fast,
    lingerMs: linger * 1000,
    phones: values.phone.map(parsePhone),
    ringMs
  }
}

/** `447700900202=after-rings:2,talk=5000` → the number and how it answers. */
function parsePhone(spec: string): [string, PhoneBehaviour] {
  const match = /^(\d{6,15})=(after-rings|decline|busy|never|fail)(?::(\d+))?(?:,talk=(\d+))?$/.exec(spec)
  if (!match) throw new Error(`--phone ${spec}: expected NUMBER=after-rings:N, decline[:N], busy, never or fail, optionally ,talk=MS`)
  const [, number, answer, rings, talk] = match as unknown as [string, string, PhoneBehaviour['answer'], string | undefined, string | undefined]
  const talkMs = talk === undefined ? {} : { talkMs: Number(talk) }
  switch (answer) {
    case 'after-rings':
      if (rings === undefined) throw new Error(`--phone ${spec}: after-rings needs a number of rings (after-rings:2)`)
      return [number, { answer, rings: Number(rings), ...talkMs }]
    case 'decline':
      return [number, { answer, ...(rings === undefined ? {} : { rings: Number(rings) }), ...talkMs }]
    default:
      return [number, { answer, ...talkMs }]
  }
}

/** An explicit port, else the one the app already expects the simulator on (its VONAGE_API_HOST), else any. */
function simPort(flag: string | undefined, apiHost: string | undefined): number {
  if (flag !== undefined) {
    const port = Number(flag)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--sim-port must be a port number from 0 to 65535')
    return port
  }
  if (apiHost && URL.canParse(apiHost)) {
    const url = new URL(apiHost)
    if (['127.0.0.1', 'localhost'].includes(url.hostname) && url.port) return Number(url.port)
  }
  return 0
}

/** The app's webhook listener answers /healthz; anything that answers at all is reachable. */
function checkReachable(app: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = (app.startsWith('https:') ? httpsGet : httpGet)(`${app}/healthz`, { timeout: 3000 }, (response) => {
      response.resume()
      resolve()
    })
    request.once('timeout', () => request.destroy(new Error('no answer within 3 s')))
    request.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`The app is not reachable at ${app} (${error.code ?? error.message}). Start it first (Voice Journal: \`npm run serve -- --webhook-port 3000\`) and pass its webhook address with --app.`))
    )
  })
}

async function main(): Promise<number> {
  let options: CliOptions
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  let audio: CallerAudio | undefined
  try {
    audio = options.audio ? loadCallerAudio(options.audio) : undefined
    if (audio && !audio.pcm && options.mode === 'stream') throw new Error(`${audio.source} is an MP3: stream mode needs a WAV file (nothing here decodes MP3).`)
    await checkReachable(options.app)
  } catch (error) {
    say((error as Error).message)
    return 1
  }

  const sim = await VonageSimulator.start({ port: options.simPort, account: options.account, ringMs: options.ringMs, realtime: !options.fast, onOutboundProgress: say })
  for (const [number, behaviour] of options.phones) sim.phones.set(number, behaviour)
  sim.on('outbound-call', (record) => say(`the app dials ${record.to}: call ${record.uuid}`))
  const generated = (['applicationId', 'privateKey', 'signatureSecret'] as const).filter((field) => !options.account[field])
  say(`simulator on ${sim.url} (application ${sim.account.applicationId})`)
  if (generated.length > 0) {
    let keyPath = options.privateKeyPath
    if (!keyPath) {
      keyPath = join(tmpdir(), `voice-journal-sim-${sim.account.applicationId}.pem`)
      writeFileSync(keyPath, sim.account.privateKey, { mode: 0o600 })
    }
    say(`generated ${generated.join(', ')}: the app accepts this call only when started with`)
    for (const [name, value] of Object.entries(sim.appEnvironment(keyPath))) console.error(`  ${name}=${value}`)
    say(`then call it again with the same credentials:`)
    console.error(`  npx vonage-sim --app ${options.app} --application-id ${sim.account.applicationId} --private-key ${keyPath} --secret ${sim.account.signatureSecret} --sim-port ${new URL(sim.url).port}`)
  } else if (process.env.VONAGE_API_HOST && new URL(process.env.VONAGE_API_HOST).origin !== sim.url) {
    say(`note: VONAGE_API_HOST is ${process.env.VONAGE_API_HOST}, the simulator is ${sim.url}: the app downloads only from its own VONAGE_API_HOST`)
  }
  if (options.mode) say(`expecting ${options.mode} mode (the app's NCCO decides)`)

  const call = sim.placeCall({
    answerUrl: `${options.app}/webhooks/answer`,
    eventUrl: `${options.app}/webhooks/event`,
    answerMethod: options.answerMethod,
    from: options.from,
    to: options.to,
    ...(audio ? { audio } : {}),
    realtime: !options.fast,
    onProgress: say
  })
  say(`calling ${options.app} from ${options.from}: call ${call.uuid}`)
  process.once('SIGINT', () => {
    say('hanging up')
    call.hangUp()
  })
  const result = await call.done
  // Staff legs the app dialled end on their own (answered, declined, timed out, hung up by the app).
  await Promise.all(sim.outboundCalls.map((record) => record.done))
  const downloaded = await waitForDownloads(sim, result, options.lingerMs)
  await sim.close()

  if (result.error) say(hint(result.error, generated.length > 0))
  console.log(
    JSON.stringify({
      ok: result.status === 'completed',
      uuid: result.uuid,
      conversationUuid: result.conversationUuid,
      status: result.status,
      ...(result.error ? { error: result.error } : {}),
      durationSeconds: Math.round(result.durationMs / 100) / 10,
      actions: result.actions,
      recordings: result.recordings.map((r) => ({ url: r.url, recordingUuid: r.recordingUuid, size: r.size, durationMs: r.durationMs, downloaded: downloaded.has(r.fileId) })),
      streams: result.streams.map((s) => ({ frames: s.frames, bytes: s.bytes.length, endedBy: s.endedBy, ...(s.error ? { error: s.error } : {}) })),
      spoken: result.spoken,
      conversations: result.conversations,
      ...(result.musicOnHold.length ? { musicOnHold: result.musicOnHold } : {}),
      ...(result.transferred ? { transferred: true } : {}),
      ...(sim.outboundCalls.length
        ? {
            outboundCalls: sim.outboundCalls.map((r) => ({
              uuid: r.uuid,
              to: r.to,
              statuses: r.statuses,
              spoken: r.spoken,
              ...(r.conversation ? { conversation: r.conversation } : {}),
              ...(r.hungUpBy ? { hungUpBy: r.hungUpBy } : {}),
              ...(r.error ? { error: r.error } : {})
            }))
          }
        : {}),
      simulator: sim.url
    })
  )
  return result.status === 'completed' ? 0 : 1
}

/** The app fetches a recording after acknowledging its event: keep serving until it has, or `lingerMs`. */
async function waitForDownloads(sim: VonageSimulator, result: CallResult, lingerMs: number): Promise<Set<string>> {
  const done = (): Set<string> => new Set(sim.downloads.filter((d) => d.status === 200).map((d) => d.id))
  const wanted = result.recordings.map((r) => r.fileId)
  if (wanted.length === 0) return done()
  say(`waiting up to ${lingerMs / 1000} s for the app to download the recording`)
  const deadline = Date.now() + lingerMs
  while (Date.now() < deadline && !wanted.every((id) => done().has(id))) await sleep(100)
  const refused = sim.downloads.filter((d) => d.status !== 200)
  if (wanted.every((id) => done().has(id))) say('the app downloaded the recording')
  else say(`the app did not download the recording${refused.length ? ` (refused: ${refused.map((d) => `${d.status} ${d.reason ?? ''}`.trim()).join('; ')})` : ''}`)
  return done()
}

function hint(error: string, generated: boolean): string {
  if (/refused the signed request/.test(error)) {
    return generated
      ? 'The app refused the signature: start it with the settings printed above, or pass its own credentials.'
      : 'The app refused the signature: --secret (or VONAGE_SIGNATURE_SECRET) must be the app\'s signature secret.'
  }
  return error
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
