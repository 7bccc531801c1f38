import { randomUUID } from 'node:crypto'

/** Vonage keeps recordings for 30 days, then the file URL answers 404. */
export const RETENTION_MS = 30 * 24 * 60 * 60 * 1000

export interface StoredFile {
  id: string
  bytes: Buffer
  contentType: string
  createdAt: number
}

/** The simulator's file storage, addressed by the id in `/v1/files/<id>`. */
export class RecordingStore {
  private readonly files = new Map<string, StoredFile>()

  constructor(private readonly retentionMs = RETENTION_MS) {}

  add(bytes: Buffer, contentType: string): StoredFile {
    const file = { id: randomUUID(), bytes, contentType, createdAt: Date.now() }
    this.files.set(file.id, file)
    return file
  }

  /** The file, unless unknown or past retention. */
  get(id: string, now = Date.now()): StoredFile | undefined {
    const file = this.files.get(id)
    return file && now - file.createdAt < this.retentionMs ? file : undefined
  }

  /** Ages a file past retention, as if 30 days had gone by. */
  expire(id: string): void {
    const file = this.files.get(id)
    if (file) file.createdAt = Date.now() - this.retentionMs
  }
}
