import { IMPORT_CHUNK_BYTES, type ApiClient } from '#shared/api'

/**
 * Sends a recording's pieces to the services in order, as they come, one call at a time, while
 * the recorder goes on. The first failure stops it: later pieces are dropped (the services keep
 * what arrived) and `failure` says why.
 */
export class ChunkUploader {
  private queue: Promise<void> = Promise.resolve()
  private error: unknown = null
  sentBytes = 0

  constructor(
    private readonly api: ApiClient,
    readonly importId: string,
    private readonly onFailure: (err: unknown) => void
  ) {}

  get failure(): unknown {
    return this.error
  }

  send(piece: Blob): void {
    if (piece.size === 0) return
    this.queue = this.queue.then(async () => {
      if (this.error !== null) return
      try {
        for (let offset = 0; offset < piece.size; offset += IMPORT_CHUNK_BYTES) {
          const chunk = new Uint8Array(await piece.slice(offset, offset + IMPORT_CHUNK_BYTES).arrayBuffer())
          await this.api.appendImport({ importId: this.importId, chunk })
          this.sentBytes += chunk.byteLength
        }
      } catch (err) {
        this.error = err
        this.onFailure(err)
      }
    })
  }

  /** Resolves when everything given so far has been sent (or the upload failed). */
  drained(): Promise<void> {
    return this.queue
  }
}
