import { Mp3Encoder } from '@breezystack/lamejs'

/** One MPEG audio Layer III frame found in a file. */
interface Mp3Frame {
  offset: number
  length: number
  samples: number
  sampleRate: number
}

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
const SAMPLE_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] }

function frameAt(bytes: Uint8Array, offset: number): Mp3Frame | null {
  if (offset + 4 > bytes.length) return null
  const [b0, b1, b2] = [bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!]
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null
  const version = (b1 >> 3) & 3
  const layer = (b1 >> 1) & 3
  if (version === 1 || layer !== 1) return null
  const bitrate = (version === 3 ? BITRATES_V1 : BITRATES_V2)[b2 >> 4]
  const sampleRate = SAMPLE_RATES[version]?.[(b2 >> 2) & 3]
  if (!bitrate || !sampleRate) return null
  const padding = (b2 >> 1) & 1
  const length = Math.floor(((version === 3 ? 144000 : 72000) * bitrate) / sampleRate) + padding
  return { offset, length, samples: version === 3 ? 1152 : 576, sampleRate }
}

/** Skips an ID3v2 tag at the start, if any. */
function audioStart(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f)
  return 10 + size + (bytes[5]! & 0x10 ? 10 : 0)
}

/**
 * The Layer III frames of an MP3, or null when the bytes are not one (the first frame must be
 * followed by another, so a stray 0xFFE in other data is not taken for audio).
 */
export function scanMp3(bytes: Uint8Array): Mp3Frame[] | null {
  const startsRun = (at: number): boolean => {
    const frame = frameAt(bytes, at)
    return frame !== null && frameAt(bytes, at + frame.length) !== null
  }
  let offset = audioStart(bytes)
  while (offset < bytes.length && !startsRun(offset)) offset += 1
  const frames: Mp3Frame[] = []
  for (let frame = frameAt(bytes, offset); frame && frame.offset + frame.length <= bytes.length; frame = frameAt(bytes, frame.offset + frame.length)) {
    frames.push(frame)
  }
  return frames.length >= 2 ? frames : null
}

/** An encoder's Xing/Info frame carries counts of the whole file: it must go when frames are cut. */
function isInfoFrame(bytes: Uint8Array, frame: Mp3Frame): boolean {
  const text = Buffer.from(bytes.subarray(frame.offset, frame.offset + Math.min(frame.length, 64))).toString('latin1')
  return text.includes('Xing') || text.includes('Info')
}

export function mp3DurationMs(frames: Mp3Frame[], bytes: Uint8Array): number {
  return frames.filter((frame, index) => index > 0 || !isInfoFrame(bytes, frame)).reduce((ms, frame) => ms + (frame.samples * 1000) / frame.sampleRate, 0)
}

/** The first `maxMs` of an MP3, cut at a frame boundary, without ID3 tag or Xing/Info frame. */
export function truncateMp3(bytes: Uint8Array, maxMs: number): Buffer {
  const frames = scanMp3(bytes)
  if (!frames) throw new Error('Not an MP3 file')
  const kept: Buffer[] = []
  let ms = 0
  for (const [index, frame] of frames.entries()) {
    if (index === 0 && isInfoFrame(bytes, frame)) continue
    if (ms >= maxMs) break
    kept.push(Buffer.from(bytes.subarray(frame.offset, frame.offset + frame.length)))
    ms += (frame.samples * 1000) / frame.sampleRate
  }
  return Buffer.concat(kept)
}

/** MP3 as Vonage records: mono, 32 kbit/s, from 16-bit PCM at `sampleRate`. Pure JS (lamejs). */
export function encodeMp3(pcm: Int16Array, sampleRate: number, kbps = 32): Buffer {
  const encoder = new Mp3Encoder(1, sampleRate, kbps)
  const parts: Uint8Array[] = []
  for (let start = 0; start < pcm.length; start += 1152) parts.push(encoder.encodeBuffer(pcm.subarray(start, start + 1152)))
  parts.push(encoder.flush())
  return Buffer.concat(parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength)))
}
