import { open, type FileHandle } from 'node:fs/promises'
import type { BlobPointer, HypercoreLike } from 'hyperdrive'

/** Blocks of at least 64 KiB replicate ~4× faster than small ones and keep seeks cheap. */
export const WRITE_BLOCK_BYTES = 64 * 1024
/** Blocks per append: what Hyperblobs batches from a write stream. */
const BLOCKS_PER_APPEND = 16

/**
 * Copies a file into a drive's blob core and returns it as one blob, through one reused buffer
 * laid out the way the core stores blocks, so a long recording makes no garbage.
 *
 * Why not `Hyperblobs.put` with a reused segment (as before): on a private journal, Hypercore's
 * `_encode` copies every block into a fresh buffer with room for the encryption padding in
 * front (8 bytes) and encrypts that copy in place. A 27 MB recording became 27 MB of short-lived
 * 64 KiB buffers, up to 18 MB of them waiting for a GC at once: the 14-minute call peaked ~15%
 * above the 60-second one. Here each block is read into its own slot behind room for the
 * padding, and the session's `encodeBatch` (Hypercore's hook for pre-encoded batches) hands the
 * slots over as they are; Hypercore encrypts them in place and stores them.
 *
 * The buffer is refilled only after `append` resolves, i.e. after the batch is flushed to
 * storage, which copies it. Appending past Hyperblobs is safe because every write to a journal's
 * drive goes through its serial write queue, so nothing else appends between two batches (and
 * the pointer check below would catch it).
 */
export async function copyFileIntoBlobs(core: BlobCore, filePath: string): Promise<BlobPointer> {
  const writer = core.session({ encodeBatch: (blocks: Buffer[]) => blocks })
  const handle = await open(filePath, 'r')
  try {
    await writer.ready()
    // 8 for Hypercore's default block encryption, 0 for a public journal.
    const padding = writer.padding
    const slot = padding + WRITE_BLOCK_BYTES
    const buffer = Buffer.allocUnsafeSlow(BLOCKS_PER_APPEND * slot)
    const start = { blockOffset: writer.length, byteOffset: writer.byteLength }
    let position = 0
    for (let ended = false; !ended; ) {
      const blocks: Buffer[] = []
      while (blocks.length < BLOCKS_PER_APPEND) {
        const at = blocks.length * slot
        const length = await readFully(handle, buffer.subarray(at + padding, at + slot), position)
        if (length > 0) blocks.push(buffer.subarray(at, at + padding + length))
        position += length
        if (length < WRITE_BLOCK_BYTES) {
          ended = true
          break
        }
      }
      if (blocks.length > 0) await writer.append(blocks)
    }
    const blob = { ...start, blockLength: writer.length - start.blockOffset, byteLength: writer.byteLength - start.byteOffset }
    if (blob.blockLength === 0) throw new Error(`${filePath} is empty`)
    if (blob.byteLength !== position) throw new Error('Another write came between two parts of one file in the blob store')
    return blob
  } finally {
    await handle.close()
    await writer.close()
  }
}

/** What this needs of the blob core: a session that hands its blocks to Hypercore unchanged. */
type BlobCore = Pick<HypercoreLike, 'session'>

/** Fills `buffer` from `position` (a read may return less than asked); returns the bytes read, short only at the end. */
async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<number> {
  let filled = 0
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return filled
}
