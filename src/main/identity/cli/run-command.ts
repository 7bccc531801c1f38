import { parseArgs, type ParseArgsConfig } from 'node:util'
import { logger } from '../../app/logging'
import { CliError, isUserFacing } from './cli-error'

const log = logger('cli')

/**
 * Runs a command-line entry: its options parsed strictly (a wrong flag prints the usage), its
 * refusals printed as one sentence, anything unexpected logged with its stack and summed up.
 * The console is the user's interface here, so messages go to it directly.
 */
export function runCommand(usage: string, options: NonNullable<ParseArgsConfig['options']>, command: (values: Record<string, string | boolean | undefined>) => Promise<string>): void {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: process.argv.slice(2), options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`)
    process.exit(2)
  }
  command(values).then(
    (done) => {
      console.log(done)
      process.exit(0)
    },
    (error: unknown) => {
      if (isUserFacing(error)) {
        console.error(error.message)
        process.exit(error instanceof CliError ? error.exitCode : 1)
      }
      log.error({ err: error }, 'the command failed')
      console.error(`It failed: ${(error as Error).message ?? String(error)}`)
      process.exit(1)
    }
  )
}

/** A required option, or the usage. */
export function required(values: Record<string, string | boolean | undefined>, name: string, usage: string): string {
  const value = values[name]
  if (typeof value !== 'string' || value === '') throw new CliError(`--${name} is needed.\n\n${usage}`, 2)
  return value
}
