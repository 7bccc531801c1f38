import { mkdir, open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Writes a small file so that it survives a crash or power cut the moment this returns: data
 * flushed to disk, then renamed into place. Used before acknowledging a webhook, because after
 * the acknowledgement Vonage will not send that event again.
 */
export async function writeFileDurably(file: string, data: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const temporary = `${file}.tmp`
  const handle = await open(temporary, 'w')
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, file)
}
