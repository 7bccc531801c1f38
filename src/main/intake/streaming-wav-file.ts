import { open, type FileHandle } from 'node:fs/promises'
import wavefile from 'wavefile'

/** Audio is flushed to disk at least this often (1 s of 16 kHz mono): what a crash can cost. */
const FLUSH_BYTES = 32 * 1024

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
 * end), then the PCM as it arrives in ~1 s batches. Memory stays the same whatever the call's
 * length; a file cut short by a crash is repaired by `repairWavFile`.
 */
export class StreamingWavFile {
  private pending: Buffer[] = []
  private pendingBytes = 0
  private written = 0
  private writing: Promise<void> = Promise.resolve()

  private constructor(
    private readonly handle: FileHandle,
    private readonly sampleRate: number
  ) {}

  static async create(file: string, sampleRate: number): Promise<StreamingWavFile> {
    const handle = await open(file, 'wx')
    await handle.write(wavHeader(sampleRate, 0), 0, HEADER_BYTES, 0)
    return new StreamingWavFile(handle, sampleRate)
  }

  /** Bytes of PCM accepted so far. */
  get dataBytes(): number {
    return this.written + this.pendingBytes
  }

  append(pcm: Buffer): void {
    this.pending.push(pcm)
    this.pendingBytes += pcm.length
    if (this.pendingBytes >= FLUSH_BYTES) this.flush()
  }

  /** Writes what is left, fixes the header's sizes and closes the file. */
  async finish(): Promise<number> {
    this.flush()
    await this.writing
    await this.handle.write(wavHeader(this.sampleRate, this.written), 0, HEADER_BYTES, 0)
    await this.handle.sync()
    await this.handle.close()
    return this.written
  }

  private flush(): void {
    if (this.pendingBytes === 0) return
    const batch = Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    this.writing = this.writing.then(async () => {
      await this.handle.write(batch, 0, batch.length, HEADER_BYTES + this.written)
      this.written += batch.length
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
