import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedMessage {
  headers: IncomingHttpHeaders
  /** The body exactly as sent (a signature covers these bytes). */
  body: string
  /** What this receiver answered (null: it never did). */
  status: number | null
}

/** How the receiver answers the next request: a status, or 'hang' (never answers). */
export type ReceiverAnswer = number | 'hang'

/**
 * A team's chat or webhook endpoint on 127.0.0.1: records every request, answers 200 unless told
 * otherwise (`answers` is used up first, then `defaultAnswer`), and can go down and come back on
 * the same port, as a receiver being restarted does.
 */
export class TeamReceiver {
  readonly received: ReceivedMessage[] = []
  answers: ReceiverAnswer[] = []
  defaultAnswer: ReceiverAnswer = 200
  private server: Server | null = null
  private readonly hanging = new Set<ServerResponse>()

  private constructor(private port: number) {}

  static async start(): Promise<TeamReceiver> {
    const receiver = new TeamReceiver(0)
    await receiver.up()
    return receiver
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`
  }

  /** Requests answered with a 2xx. */
  get acknowledged(): ReceivedMessage[] {
    return this.received.filter((message) => message.status !== null && message.status >= 200 && message.status < 300)
  }

  /** Listens again on the same port (the first time: on any free one). */
  async up(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        const answer = this.answers.shift() ?? this.defaultAnswer
        const message: ReceivedMessage = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status: answer === 'hang' ? null : answer }
        this.received.push(message)
        if (answer === 'hang') {
          this.hanging.add(response)
          return
        }
        response.writeHead(answer, { 'Content-Type': 'text/plain' }).end(answer < 300 ? 'ok' : 'no')
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  /** Stops listening and drops every connection: senders get "connection refused" until `up`. */
  async down(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = null
    for (const response of this.hanging) response.destroy()
    this.hanging.clear()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  close(): Promise<void> {
    return this.down()
  }
}
