import type { Hono } from 'hono'
import type { DownloadFaults } from '../faults'
import { apiError } from './api-errors'
import { checkDownloadAuth } from './download-auth'
import type { RecordingStore } from './recording-store'

/** One download request as the simulator answered it (tests count retries with this). */
export interface DownloadRecord {
  id: string
  status: number
  at: number
  /** Why it was refused, for 401/404/503. */
  reason?: string
}

export interface FilesContext {
  store: RecordingStore
  faults: DownloadFaults
  log: DownloadRecord[]
  /** Read per request: the Applications API may replace the public key. */
  application: () => { id: string; publicKey: string }
}

/**
 * `GET /v1/files/:id` (recording URLs) and `/v3/files/:id` (what the SDK builds from a bare id):
 * the file only for a valid application JWT; 401 otherwise, 404 for unknown or expired ids.
 */
export function addFileRoutes(app: Hono, context: FilesContext): void {
  for (const path of ['/v1/files/:id', '/v3/files/:id']) {
    app.get(path, (c) => {
      const id = c.req.param('id') ?? ''
      const record = (status: number, reason?: string): void => {
        context.log.push({ id, status, at: Date.now(), ...(reason ? { reason } : {}) })
      }
      const { faults } = context
      if (faults.failCount > 0) {
        faults.failCount -= 1
        record(faults.failStatus, 'injected failure')
        return apiError(c, faults.failStatus as 503, 'Service Unavailable', 'Injected failure (simulator knob).')
      }
      const application = context.application()
      const auth = checkDownloadAuth(c.req.header('authorization'), application.id, application.publicKey)
      if (!auth.ok) {
        record(401, auth.reason)
        return apiError(c, 401, 'Unauthorized', `You did not provide correct credentials: ${auth.reason}.`)
      }
      // A fake body is a deliberate knob: it answers even for an id no call recorded.
      const fake = faults.fakeBodies.get(id)
      if (fake) {
        record(200, 'fake body')
        return c.body(fake.body, 200, { 'content-type': fake.contentType })
      }
      const file = context.store.get(id)
      if (!file) {
        record(404, 'unknown or expired file')
        return apiError(c, 404, 'Not Found', 'The file does not exist or has expired.')
      }
      record(200)
      return c.body(new Uint8Array(file.bytes), 200, { 'content-type': file.contentType, 'content-length': String(file.bytes.byteLength) })
    })
  }
}
