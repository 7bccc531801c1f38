import { open, type FileHandle } from 'node:fs/promises'
import wavefile from 'wavefile'

/** Audio is flushed to disk at least this often (0.5 s of 16 kHz mono): what a crash can cost. */
const FLUSH_BYTES = 16 * 1024

/** The canonical 44-byte PCM header from wavefile, with its sizes patched for `dataBytes`. */
function wavHeader(sampleRate: number, dataBytes: number): Buffer {
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, sampleRate, '16', [])
  const header = Buffer.from(wav.toBuffer())
  const dataChunk = header.indexOf('data')
  header.writeUInt32LE(header.length - 8 + dataBytes, 4)
  header.writeUInt32LE(dataBytes, dataChunk + 4)
  return header
}

const HEADER_BYTES = wavHeader(16000, 0).length

/**
 * A WAV file written while the call is still going: header first (sizes unknown, fixed at the
 * end), then the PCM as it arrives in 0.5 s batches. Memory stays the same whatever the call's
 * length as long as the disk keeps up; `queuedBytes` says when it does not (the receiver then
 * stops reading the socket). A file cut short by a crash is repaired by `repairWavFile`.
 */
export class StreamingWavFile {
  /**
   * Frames are copied in here rather than kept: a 640-byte frame from the socket can be a view on
   * a much larger read buffer, and holding fifty of them would hold fifty of those.
   */
  private pending: Buffer = Buffer.allocUnsafeSlow(FLUSH_BYTES)
  private pendingBytes = 0
  /** Buffers whose write has finished, reused: no allocation per batch of audio, however long the call. */
  private spare: Buffer[] = []
  /** PCM bytes handed to disk writes, finished or not. */
  private flushed = 0
  /** PCM bytes whose disk write has finished. */
  private written = 0
  /** The first write that failed: later writes are skipped, and `drained`/`finish` report it. */
  private failure: Error | null = null
  private readonly opened: Promise<FileHandle>
  /** Every disk operation, in order; audio can be appended before the file is even open. Never rejects. */
  private writing: Promise<void>

  /** Creates the file; `append` may be called at once (the first frames arrive with the open). */
  constructor(
    file: string,
    private readonly sampleRate: number
  ) {
    this.opened = open(file, 'wx')
    this.writing = this.opened
      .then(async (handle) => {
        await handle.write(wavHeader(sampleRate, 0), 0, HEADER_BYTES, 0)
      })
      .catch((error: Error) => {
        this.failure ??= error
      })
  }

  /** Bytes of PCM accepted so far. */
  get dataBytes(): number {
    return this.flushed + this.pendingBytes
  }

  /** Bytes of PCM held in memory waiting for a disk write to finish (the batch being filled not counted). */
  get queuedBytes(): number {
    return this.flushed - this.written
  }

  append(pcm: Buffer): void {
    let offset = 0
    while (offset < pcm.length) {
      const copied = pcm.copy(this.pending, this.pendingBytes, offset)
      this.pendingBytes += copied
      offset += copied
      if (this.pendingBytes === FLUSH_BYTES) this.flush()
    }
  }

  /** Resolves once every batch flushed so far is on disk; rejects if a write failed (the file then lacks audio). */
  async drained(): Promise<void> {
    await this.writing
    if (this.failure) throw this.failure
  }

  /** Writes what is left, fixes the header's sizes and closes the file. */
  async finish(): Promise<number> {
    this.flush()
    await this.writing
    const handle = await this.opened
    try {
      if (this.failure) throw this.failure
      await handle.write(wavHeader(this.sampleRate, this.written), 0, HEADER_BYTES, 0)
      await handle.sync()
    } finally {
      await handle.close()
    }
    return this.written
  }

  private flush(): void {
    if (this.pendingBytes === 0) return
    const full = this.pending
    const length = this.pendingBytes
    const position = HEADER_BYTES + this.flushed
    this.flushed += length
    this.pending = this.spare.pop() ?? Buffer.allocUnsafeSlow(FLUSH_BYTES)
    this.pendingBytes = 0
    this.writing = this.writing
      .then(async () => {
        if (this.failure) return
        await (await this.opened).write(full, 0, length, position)
        this.written += length
        this.spare.push(full)
      })
      .catch((error: Error) => {
        this.failure ??= error
      })
  }
}

/**
 * Makes a WAV cut off mid-call playable: the header's sizes are set from the bytes actually on
 * disk (an odd trailing byte, half a sample, is dropped). Returns the PCM bytes kept.
 */
export async function repairWavFile(file: string, sampleRate = 16000): Promise<number> {
  const handle = await open(file, 'r+')
  try {
    const { size } = await handle.stat()
    const dataBytes = Math.max(0, size - HEADER_BYTES) & ~1
    await handle.truncate(HEADER_BYTES + dataBytes)
    await handle.write(wavHeader(sampleRate, dataBytes), 0, HEADER_BYTES, 0)
    await handle.sync()
    return dataBytes
  } finally {
    await handle.close()
  }
}
