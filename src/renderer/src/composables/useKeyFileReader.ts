import { ref } from 'vue'

/** PEM files are a few kilobytes; anything much bigger is the wrong file. */
const MAX_KEY_FILE_BYTES = 32 * 1024

/**
 * Reads a private key file chosen in the window. The key is read here and travels like a pasted
 * one: no path crosses to the services. `note` says where a key came from, `error` why not.
 */
export function useKeyFileReader(onKey: (text: string) => void) {
  const note = ref('')
  const error = ref('')

  async function read(file: File): Promise<void> {
    error.value = ''
    if (file.size > MAX_KEY_FILE_BYTES) {
      error.value = `${file.name} is too large to be a private key.`
      return
    }
    try {
      onKey(await file.text())
      note.value = `Read from ${file.name}`
    } catch {
      error.value = `Could not read ${file.name}.`
    }
  }

  function clear(): void {
    note.value = ''
    error.value = ''
  }

  return { note, error, read, clear }
}
