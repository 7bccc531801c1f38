import type { Readable } from 'node:stream'
import type { Journal } from '../../src/main/journal/journal'

export async function readAll(stream: Readable | AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}

/** An entry's whole audio, at the current version or at `version`, as the app reads it. */
export async function audioOf(journal: Journal, path: string, version?: number): Promise<Buffer> {
  const audio = await journal.openAudio(path, version)
  try {
    return await readAll(audio.read())
  } finally {
    await audio.close()
  }
}
