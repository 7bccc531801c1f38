import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** Every file under `dir`, read whole (data directories in tests are small). */
export async function filesUnder(dir: string): Promise<Buffer[]> {
  const files: Buffer[] = []
  for (const name of await readdir(dir, { recursive: true })) {
    const path = join(dir, name)
    const stats = await stat(path).catch(() => null) // a file the running app just renamed away
    if (stats?.isFile()) files.push(await readFile(path))
  }
  return files
}

/** Whether any 4 KiB run of `audio` (at 1 KiB steps) or the text `path` is in any of `files`. */
export function holdsPathOrAudio(files: Buffer[], path: string, audio: Buffer): boolean {
  const needles: Buffer[] = [Buffer.from(path)]
  for (let at = 0; at + 4096 <= audio.length; at += 1024) needles.push(audio.subarray(at, at + 4096))
  return files.some((file) => needles.some((needle) => file.includes(needle)))
}
