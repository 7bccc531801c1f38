import { CliError } from './cli-error'

export const PASSPHRASE_VARIABLE = 'VOICE_JOURNAL_PASSPHRASE'

/**
 * The backup's passphrase: from VOICE_JOURNAL_PASSPHRASE (scripts, tests), else asked on the
 * terminal without echo, twice when a new backup is made (a typo there would lock the file).
 */
export async function readPassphrase(options: { confirm: boolean; env?: NodeJS.ProcessEnv }): Promise<string> {
  const fromEnvironment = (options.env ?? process.env)[PASSPHRASE_VARIABLE]
  if (fromEnvironment !== undefined) return fromEnvironment
  if (!process.stdin.isTTY) throw new CliError(`No passphrase: set ${PASSPHRASE_VARIABLE}, or run this in a terminal to be asked for one.`)
  const first = await askHidden('Passphrase: ')
  if (options.confirm && (await askHidden('The same passphrase again: ')) !== first) {
    throw new CliError('The two passphrases differ. Nothing was written.')
  }
  return first
}

/** One line from the terminal, not echoed; Ctrl+C stops the command. */
function askHidden(prompt: string): Promise<string> {
  const input = process.stdin
  process.stderr.write(prompt)
  input.setRawMode(true)
  input.resume()
  input.setEncoding('utf8')
  return new Promise((resolve, reject) => {
    let typed = ''
    const finish = (outcome: () => void): void => {
      input.off('data', onData)
      input.setRawMode(false)
      input.pause()
      process.stderr.write('\n')
      outcome()
    }
    const onData = (chunk: string): void => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') return finish(() => resolve(typed))
        if (character === '\u0003') return finish(() => reject(new CliError('Stopped. Nothing was written.', 130)))
        if (character === '\u007f' || character === '\b') typed = [...typed].slice(0, -1).join('')
        else if (character >= ' ') typed += character
      }
    }
    input.on('data', onData)
  })
}
