import { ReadableStream } from 'node:stream/web'
import { isEntryPath, MIME_TYPES } from '../journal/entry-path'
import { resolveRange } from '../journal/byte-range'
import { JournalError, type Journal } from '../journal/journal'

/**
 * Serves an entry's audio fetch-style (Request → Response), so the same code answers the
 * headless HTTP route and Electron's `protocol.handle`. Media elements seek with Range requests:
 * 206 with Content-Range, 416 when unsatisfiable, exact Content-Length, `Accept-Ranges: bytes`.
 *
 * The caller maps its URL to `entryPath` (`/recordings/…`); a `version` query parameter
 * opens that older version of the journal.
 */
export async function respondWithAudio(request: Request, journal: Journal | null | undefined, entryPath: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Only GET and HEAD', { Allow: 'GET, HEAD' })
  if (!journal) return plain(404, 'No such journal in the library')
  if (!isEntryPath(entryPath)) return plain(404, 'No such entry')
  const versionParam = new URL(request.url).searchParams.get('version')
  const version = versionParam === null ? undefined : Number(versionParam)
  if (version !== undefined && !(Number.isInteger(version) && version >= 1)) return plain(400, 'version must be a whole number')

  let audio
  try {
    audio = await journal.openAudio(entryPath, version)
  } catch (error) {
    if (error instanceof JournalError) return plain(error.code === 'bad-version' ? 400 : 404, error.message)
    throw error
  }

  const headers: Record<string, string> = {
    'Content-Type': MIME_TYPES[audio.format],
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff'
  }
  const range = resolveRange(request.headers.get('range'), audio.size)
  if (range.kind === 'unsatisfiable') {
    await audio.close()
    return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${audio.size}` } })
  }
  const { start, end } = range.kind === 'partial' ? range.range : { start: 0, end: audio.size - 1 }
  const length = audio.size === 0 ? 0 : end - start + 1
  headers['Content-Length'] = String(length)
  if (range.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end}/${audio.size}`
  const status = range.kind === 'partial' ? 206 : 200

  if (request.method === 'HEAD' || length === 0) {
    await audio.close()
    return new Response(null, { status, headers })
  }
  const stream = audio.read({ start, end })
  // However the response ends (finished, client gone, error), the version snapshot is released.
  stream.once('close', () => void audio.close())
  // Hyperdrive's read streams are streamx, not Node streams: adapt them through async iteration,
  // which also destroys the stream when the consumer cancels.
  const body = ReadableStream.from(stream as AsyncIterable<Uint8Array>)
  return new Response(body as unknown as ConstructorParameters<typeof Response>[0], { status, headers })
}

function plain(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...extra } })
}
