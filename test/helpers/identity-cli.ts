import { spawn } from 'node:child_process'

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * `npm run backup` or `npm run restore` as a person runs them: a child process, the passphrase
 * from VOICE_JOURNAL_PASSPHRASE (or, with null, none: stdin is not a terminal here, so the command
 * must say how to give one).
 */
export function runIdentityCli(script: 'backup' | 'restore', args: string[], passphrase: string | null): Promise<CliRun> {
  const env = { ...process.env }
  delete env.VOICE_JOURNAL_PASSPHRASE
  if (passphrase !== null) env.VOICE_JOURNAL_PASSPHRASE = passphrase
  const child = spawn('npm', ['run', '--silent', script, '--', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
