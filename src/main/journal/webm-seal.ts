import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { readWebmAudio, type WebmAudio } from './webm-audio'

const DURATION_ID = [0x44, 0x89]
const FLOAT64_SIZE = 0x88
const SEGMENT_ID = [0x18, 0x53, 0x80, 0x67]
const INFO_ID = [0x15, 0x49, 0xa9, 0x66]

/**
 * Makes a browser's WebM recording fit to keep: cut after its last complete block (a recording
 * whose window closed mid-way ends anywhere) and given the Duration its header lacks, so players
 * show its length and can seek at once instead of reporting "Infinity" until played to the end.
 * Writes the result to `target` and returns what was read from the source.
 *
 * Duration goes into the Segment's Info, which grows by 11 bytes; everything after it moves. That
 * is safe only without a SeekHead (absolute offsets), which MediaRecorder never writes; a file
 * with one keeps its header as it is.
 */
export async function sealWebmRecording(source: string, target: string): Promise<WebmAudio> {
  const audio = await readWebmAudio(source)
  const out = createWriteStream(target, { flags: 'wx' })
  const write = async (bytes: Uint8Array): Promise<void> => {
    if (!out.write(bytes)) await once(out, 'drain')
  }
  const copy = async (start: number, end: number): Promise<void> => {
    if (end <= start) return
    for await (const chunk of createReadStream(source, { start, end: end - 1 })) await write(chunk as Buffer)
  }
  try {
    const stamp = !audio.info.hasDuration && !audio.hasSeekHead
    if (!stamp) {
      await copy(0, audio.completeBytes)
    } else {
      const newInfo = await infoWithDuration(source, audio)
      const growth = newInfo.length - (audio.info.end - audio.info.start)
      await copy(0, audio.segment.start)
      if (audio.segment.size === null) await copy(audio.segment.start, audio.segment.dataStart)
      else await write(Uint8Array.from([...SEGMENT_ID, ...vint8(audio.completeBytes - audio.segment.dataStart + growth)]))
      await copy(audio.segment.dataStart, audio.info.start)
      await write(newInfo)
      await copy(audio.info.end, audio.completeBytes)
    }
    out.end()
    await once(out, 'finish')
  } catch (error) {
    out.destroy()
    throw error
  }
  return audio
}

/** The Info element with a Duration (in the file's timecode units) after what it already holds. */
async function infoWithDuration(source: string, audio: WebmAudio): Promise<Uint8Array> {
  const { start, end, timecodeScale } = audio.info
  const chunks: Buffer[] = []
  for await (const chunk of createReadStream(source, { start, end: end - 1 })) chunks.push(chunk as Buffer)
  const element = Buffer.concat(chunks)
  const headerLength = 4 + vintLengthAt(element[4]!)
  const payload = element.subarray(headerLength)
  const duration = Buffer.alloc(8)
  duration.writeDoubleBE((audio.durationMs * 1_000_000) / timecodeScale)
  const body = Buffer.concat([payload, Buffer.from([...DURATION_ID, FLOAT64_SIZE]), duration])
  return Buffer.concat([Buffer.from(INFO_ID), Buffer.from(vint8(body.length)), body])
}

function vintLengthAt(first: number): number {
  for (let length = 1; length <= 8; length++) if (first & (0x100 >> length)) return length
  throw new Error('damaged element size')
}

/** An 8-byte EBML size: long enough for any file, and always the same length. */
function vint8(value: number): number[] {
  const bytes = [0x01]
  for (let shift = 6; shift >= 0; shift--) bytes.push(Math.floor(value / 2 ** (8 * shift)) & 0xff)
  return bytes
}
