import { BackupFileError } from '../backup-file'
import { IdentityReadError } from '../identity-reader'
import { RestoreError } from '../restore'
import { SealedFileError } from '../sealed-file'

/** A refusal the command line prints as it is, with its exit status. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** The backup and restore commands' errors that are meant for the user, word for word. */
export function isUserFacing(error: unknown): error is Error & { exitCode?: number } {
  return [CliError, SealedFileError, BackupFileError, RestoreError, IdentityReadError].some((type) => error instanceof type)
}
