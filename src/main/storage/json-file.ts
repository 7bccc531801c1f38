import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'

/** A data file that exists but cannot be used: the start-up message names it, so the user can mend it. */
export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string
  ) {
    super(`${basename(file)} in ${dirname(file)} ${reason}`)
    this.name = 'DataFileError'
  }
}

/** Reads a JSON file, or returns `fallback` when it does not exist yet. */
export async function readJsonFile<T>(file: string, fallback: T): Promise<T> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback
    throw new DataFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  }
  try {
    return JSON.parse(text) as T
  } catch {
    throw new DataFileError(file, 'is damaged (it is not valid JSON): mend it, or move it away to start from defaults')
  }
}

/** Writes through a temporary file and a rename, so a crash leaves the old or the new file, never half of one. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify(value, null, 2))
  await rename(temporary, file)
}
