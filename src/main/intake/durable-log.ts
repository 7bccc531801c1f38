import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * An append-only log of JSON records that is on disk (fdatasync'd) when `append` resolves.
 * Appends that arrive while a write is in flight are committed together with one write and one
 * sync: a hundred webhooks at once cost a couple of syncs, not a hundred queued on the thread pool.
 */
export class DurableLog<T> {
  private pending: Array<{ line: string; done: () => void; failed: (error: Error) => void }> = []
  private flushing = false
  /** While a rewrite swaps the file, appends wait in `pending` and go to the new file after it. */
  private rewriting = false

  private constructor(
    private readonly file: string,
    private handle: FileHandle
  ) {}

  /** Opens the log and returns it with every record it holds (a line cut by a crash is skipped). */
  static async open<T>(file: string): Promise<{ log: DurableLog<T>; records: T[] }> {
    await mkdir(dirname(file), { recursive: true })
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return ''
      throw error
    })
    const records: T[] = []
    for (const line of text.split('\n')) {
      if (!line) continue
      try {
        records.push(JSON.parse(line) as T)
      } catch {
        // Only the last line can be partial: everything before it was synced whole.
      }
    }
    return { log: new DurableLog<T>(file, await open(file, 'a')), records }
  }

  append(record: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: JSON.stringify(record) + '\n', done: resolve, failed: reject })
      if (!this.flushing && !this.rewriting) void this.flush()
    })
  }

  /**
   * Replaces the log with `records` (a compact snapshot), atomically. Given a function, it is
   * called once every earlier append is on disk and before any later one is written, so a
   * snapshot of in-memory state taken there loses nothing appended around it (later appends go
   * after it in the new file): the log can be compacted while it is in use.
   */
  async rewrite(records: T[] | (() => T[])): Promise<void> {
    while (this.flushing || this.rewriting) await new Promise((resolve) => setImmediate(resolve))
    this.rewriting = true
    try {
      const snapshot = typeof records === 'function' ? records() : records
      const temporary = `${this.file}.tmp`
      const handle = await open(temporary, 'w')
      try {
        await handle.writeFile(snapshot.map((record) => JSON.stringify(record) + '\n').join(''))
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(temporary, this.file)
      await this.handle.close()
      this.handle = await open(this.file, 'a')
    } finally {
      this.rewriting = false
      if (this.pending.length > 0 && !this.flushing) void this.flush()
    }
  }

  async close(): Promise<void> {
    while (this.flushing || this.rewriting) await new Promise((resolve) => setImmediate(resolve))
    await this.handle.close()
  }

  private async flush(): Promise<void> {
    this.flushing = true
    while (this.pending.length > 0) {
      const batch = this.pending
      this.pending = []
      try {
        await this.handle.write(batch.map((entry) => entry.line).join(''))
        await this.handle.datasync()
        for (const entry of batch) entry.done()
      } catch (error) {
        for (const entry of batch) entry.failed(error as Error)
      }
    }
    this.flushing = false
  }
}
