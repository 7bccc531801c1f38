import { open, type FileHandle } from 'node:fs/promises'

/**
 * A reader for the WebM that browsers' MediaRecorder writes, which general tag parsers (music-
 * metadata included) cannot read: the recorder writes to a stream it cannot seek back in, so the
 * Segment and every Cluster carry EBML's "unknown size" marker and the header has no Duration.
 * The duration is read from the audio itself instead: the timestamp of the last complete block,
 * plus that block's length. A file cut off mid-way (a window closed while recording) is read up
 * to its last complete block, which is where a player stops too.
 */

const ID = {
  EBML: 0x1a45dfa3,
  DOC_TYPE: 0x4282,
  SEGMENT: 0x18538067,
  SEEK_HEAD: 0x114d9b74,
  INFO: 0x1549a966,
  TIMECODE_SCALE: 0x2ad7b1,
  DURATION: 0x4489,
  TRACKS: 0x1654ae6b,
  TRACK_ENTRY: 0xae,
  TRACK_TYPE: 0x83,
  CODEC_ID: 0x86,
  CLUSTER: 0x1f43b675,
  TIMECODE: 0xe7,
  SIMPLE_BLOCK: 0xa3,
  BLOCK_GROUP: 0xa0,
  BLOCK: 0xa1,
  BLOCK_DURATION: 0x9b
} as const

/** Elements that may follow a Cluster at the Segment's level: seeing one ends an unknown-size Cluster. */
const SEGMENT_CHILDREN = new Set<number>([ID.SEEK_HEAD, ID.INFO, ID.TRACKS, ID.CLUSTER, 0x1c53bb6b, 0x1941a469, 0x1043a770, 0x1254c367])
const AUDIO_TRACK = 2
/** Codecs a browser records audio in, as WebM names them. */
const AUDIO_CODECS = new Set(['A_OPUS', 'A_VORBIS'])
/** One Opus packet as MediaRecorder writes it; added to the last block's start when it says nothing of its length. */
const LAST_BLOCK_MS = 20
const HEADER_READ_BYTES = 64 * 1024
const READ_WINDOW_BYTES = 256 * 1024

export interface WebmAudio {
  codec: string
  durationMs: number
  /** Bytes from the start up to the end of the last complete element: what a player can use. */
  completeBytes: number
  /** Where the Segment's Info element is (its header included) and whether it states a duration. */
  info: { start: number; end: number; timecodeScale: number; hasDuration: boolean }
  /** Where the Segment's header is, and its declared size (null: unknown, to the end of the file). */
  segment: { start: number; dataStart: number; size: number | null }
  /** A SeekHead holds absolute offsets: a file with one cannot have bytes inserted before them. */
  hasSeekHead: boolean
}

export class WebmError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WebmError'
  }
}

/** True when the file starts like any EBML document (WebM, Matroska): worth reading with readWebmAudio. */
export function looksLikeEbml(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3
}

/** Reads a WebM audio file's codec and duration, or throws WebmError if it is not one. */
export async function readWebmAudio(filePath: string): Promise<WebmAudio> {
  const file = await open(filePath, 'r')
  try {
    const size = (await file.stat()).size
    return await new WebmWalker(new WindowedReader(file, size), size).read()
  } finally {
    await file.close()
  }
}

interface ElementHeader {
  id: number
  start: number
  dataStart: number
  /** null: EBML's unknown size. */
  size: number | null
}

class WebmWalker {
  private codec: string | null = null
  private info: WebmAudio['info'] | null = null
  private hasSeekHead = false
  private lastBlockEndMs = 0
  private completeBytes = 0

  constructor(
    private readonly reader: WindowedReader,
    private readonly fileSize: number
  ) {}

  async read(): Promise<WebmAudio> {
    const ebml = await this.header(0)
    if (!ebml || ebml.id !== ID.EBML || ebml.size === null) throw new WebmError('Not a WebM file.')
    const docType = await this.childString(ebml, ID.DOC_TYPE)
    if (docType !== 'webm') throw new WebmError(`Not a WebM file (document type ${docType ?? 'missing'}).`)
    const segment = await this.header(ebml.dataStart + ebml.size)
    if (!segment || segment.id !== ID.SEGMENT) throw new WebmError('The WebM file has no segment.')
    const segmentEnd = segment.size === null ? this.fileSize : Math.min(this.fileSize, segment.dataStart + segment.size)
    await this.walkSegment(segment.dataStart, segmentEnd)
    if (!this.info) throw new WebmError('The WebM file has no segment information.')
    if (!this.codec) throw new WebmError('The WebM file has no audio track we can play (Opus or Vorbis).')
    return {
      codec: this.codec,
      durationMs: Math.round(this.lastBlockEndMs),
      completeBytes: this.completeBytes,
      info: this.info,
      segment: { start: segment.start, dataStart: segment.dataStart, size: segment.size },
      hasSeekHead: this.hasSeekHead
    }
  }

  private async walkSegment(from: number, end: number): Promise<void> {
    let position = from
    while (position < end) {
      const element = await this.header(position)
      if (!element) return
      if (element.id === ID.CLUSTER) {
        position = await this.walkCluster(element, end)
        continue
      }
      if (element.size === null || element.dataStart + element.size > end) return
      const elementEnd = element.dataStart + element.size
      if (element.id === ID.INFO) await this.readInfo(element)
      else if (element.id === ID.TRACKS) await this.readTracks(element)
      else if (element.id === ID.SEEK_HEAD) this.hasSeekHead = true
      this.completeBytes = elementEnd
      position = elementEnd
    }
  }

  /** Returns where the cluster ends: its size, or (unknown size) the next Segment-level element. */
  private async walkCluster(cluster: ElementHeader, segmentEnd: number): Promise<number> {
    const end = cluster.size === null ? segmentEnd : Math.min(segmentEnd, cluster.dataStart + cluster.size)
    const scaleMs = (this.info?.timecodeScale ?? 1_000_000) / 1_000_000
    let clusterTime = 0
    let position = cluster.dataStart
    while (position < end) {
      const element = await this.header(position)
      if (!element) return end
      if (cluster.size === null && SEGMENT_CHILDREN.has(element.id)) return position
      if (element.size === null || element.dataStart + element.size > end) return end
      const elementEnd = element.dataStart + element.size
      if (element.id === ID.TIMECODE) clusterTime = await this.reader.uint(element.dataStart, element.size)
      else if (element.id === ID.SIMPLE_BLOCK) this.noteBlock(clusterTime, await this.blockTime(element), LAST_BLOCK_MS / scaleMs, scaleMs)
      else if (element.id === ID.BLOCK_GROUP) await this.readBlockGroup(element, clusterTime, scaleMs)
      this.completeBytes = elementEnd
      position = elementEnd
    }
    return end
  }

  private async readBlockGroup(group: ElementHeader, clusterTime: number, scaleMs: number): Promise<void> {
    let blockTime: number | null = null
    let duration = LAST_BLOCK_MS / scaleMs
    for await (const child of this.children(group)) {
      if (child.id === ID.BLOCK) blockTime = await this.blockTime(child)
      else if (child.id === ID.BLOCK_DURATION && child.size !== null) duration = await this.reader.uint(child.dataStart, child.size)
    }
    if (blockTime !== null) this.noteBlock(clusterTime, blockTime, duration, scaleMs)
  }

  private noteBlock(clusterTime: number, relativeTime: number, duration: number, scaleMs: number): void {
    this.lastBlockEndMs = Math.max(this.lastBlockEndMs, (clusterTime + relativeTime + duration) * scaleMs)
  }

  /** A block starts with its track number (a vint) and its time relative to the cluster (int16). */
  private async blockTime(block: ElementHeader): Promise<number> {
    const bytes = await this.reader.bytes(block.dataStart, 12)
    const trackLength = vintLength(bytes[0]!)
    if (trackLength === 0 || bytes.length < trackLength + 2) throw new WebmError('A block of the WebM file is damaged.')
    return new DataView(bytes.buffer, bytes.byteOffset + trackLength, 2).getInt16(0)
  }

  private async readInfo(info: ElementHeader): Promise<void> {
    let timecodeScale = 1_000_000
    let hasDuration = false
    for await (const child of this.children(info)) {
      if (child.id === ID.TIMECODE_SCALE && child.size !== null) timecodeScale = (await this.reader.uint(child.dataStart, child.size)) || 1_000_000
      else if (child.id === ID.DURATION) hasDuration = true
    }
    this.info = { start: info.start, end: info.dataStart + info.size!, timecodeScale, hasDuration }
  }

  private async readTracks(tracks: ElementHeader): Promise<void> {
    for await (const entry of this.children(tracks)) {
      if (entry.id !== ID.TRACK_ENTRY) continue
      let type = 0
      let codec = ''
      for await (const field of this.children(entry)) {
        if (field.id === ID.TRACK_TYPE && field.size !== null) type = await this.reader.uint(field.dataStart, field.size)
        else if (field.id === ID.CODEC_ID && field.size !== null) codec = await this.reader.text(field.dataStart, field.size)
      }
      if (type === AUDIO_TRACK && AUDIO_CODECS.has(codec) && !this.codec) this.codec = codec
    }
  }

  private async childString(parent: ElementHeader, id: number): Promise<string | null> {
    for await (const child of this.children(parent)) {
      if (child.id === id && child.size !== null) return this.reader.text(child.dataStart, child.size)
    }
    return null
  }

  /** The children of an element of known size; one that runs past its parent ends the walk. */
  private async *children(parent: ElementHeader): AsyncGenerator<ElementHeader> {
    if (parent.size === null) return
    const end = parent.dataStart + parent.size
    let position = parent.dataStart
    while (position < end) {
      const child = await this.header(position)
      if (!child || child.size === null || child.dataStart + child.size > end) return
      yield child
      position = child.dataStart + child.size
    }
  }

  /** The element header at `position`, or null where the file ends (or is damaged) before a whole one. */
  private async header(position: number): Promise<ElementHeader | null> {
    const bytes = await this.reader.bytes(position, 12)
    if (bytes.length === 0) return null
    const idLength = vintLength(bytes[0]!)
    if (idLength === 0 || idLength > 4 || bytes.length < idLength + 1) return null
    let id = 0
    for (let i = 0; i < idLength; i++) id = id * 256 + bytes[i]!
    const sizeLength = vintLength(bytes[idLength]!)
    if (sizeLength === 0 || bytes.length < idLength + sizeLength) return null
    let size = bytes[idLength]! & (0xff >> sizeLength)
    let unknown = size === 0xff >> sizeLength
    for (let i = 1; i < sizeLength; i++) {
      const byte = bytes[idLength + i]!
      size = size * 256 + byte
      unknown &&= byte === 0xff
    }
    const dataStart = position + idLength + sizeLength
    return { id, start: position, dataStart, size: unknown ? null : size }
  }
}

/** An EBML variable-length integer's length, from the position of its first set bit (0: invalid). */
function vintLength(first: number): number {
  for (let length = 1; length <= 8; length++) if (first & (0x100 >> length)) return length
  return 0
}

/** Reads a file through one window, so walking thousands of small elements makes few reads. */
class WindowedReader {
  private window = new Uint8Array(0)
  private windowStart = 0

  constructor(
    private readonly file: FileHandle,
    private readonly size: number
  ) {}

  /** Up to `length` bytes at `position` (fewer where the file ends). */
  async bytes(position: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, position + length)
    if (position >= end) return new Uint8Array(0)
    if (position < this.windowStart || end > this.windowStart + this.window.length) {
      const windowLength = Math.min(this.size - position, Math.max(length, position === 0 ? HEADER_READ_BYTES : READ_WINDOW_BYTES))
      const buffer = new Uint8Array(windowLength)
      const { bytesRead } = await this.file.read(buffer, 0, windowLength, position)
      this.window = buffer.subarray(0, bytesRead)
      this.windowStart = position
    }
    return this.window.subarray(position - this.windowStart, end - this.windowStart)
  }

  async uint(position: number, length: number): Promise<number> {
    if (length > 7) throw new WebmError('A number in the WebM file is too large.')
    const bytes = await this.bytes(position, length)
    let value = 0
    for (const byte of bytes) value = value * 256 + byte
    return value
  }

  async text(position: number, length: number): Promise<string> {
    if (length > 1024) throw new WebmError('A text in the WebM file is too long.')
    return Buffer.from(await this.bytes(position, length)).toString('latin1').replace(/\0+$/, '')
  }
}
