/**
 * The headless host: every service of the app without Electron, the window served on
 * 127.0.0.1 with a per-launch token, the webhooks on their own public listener. Prints one JSON
 * line (key, webhookUrl, uiUrl, …) once everything is up; SIGTERM or SIGINT shut it down cleanly.
 */
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { AppServices } from './app/app-services'
import { configureLogging, currentLogFile, flushLogs, logDirOf, logger, logToFileOnly } from './app/logging'
import { startupFailureText } from './app/startup-error'
import { UiServer } from './http/ui-server'
import { HEADLESS_USAGE, parseHeadlessOptions, type HeadlessOptions } from './headless-options'

const RENDERER_DIR = fileURLToPath(new URL('../renderer', import.meta.url))
const log = logger('headless')

async function main(): Promise<void> {
  let options: HeadlessOptions
  try {
    options = parseHeadlessOptions(process.argv.slice(2))
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HEADLESS_USAGE}`)
    process.exit(2)
  }
  configureLogging({ dir: logDirOf(options.dataDir), verbose: options.verbose })

  const services = await AppServices.boot(options)
  const ui = new UiServer(services, randomBytes(32).toString('base64url'), RENDERER_DIR)
  let stopping = false
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    log.info(`${signal}: shutting down`)
    await ui.close().catch((error: unknown) => log.error({ err: error }, 'the window server did not close cleanly'))
    const failures = await services.shutdown()
    await flushLogs()
    // Each failure is in the log already; the exit status tells scripts that something was not closed cleanly.
    process.exit(failures.length === 0 ? 0 : 1)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))

  const webhookPort = await services.webhooks.listen(options.webhookPort, options.webhookHost)
  const uiUrl = await ui.listen(options.uiPort)
  const journal = await services.library.info(services.activeJournal)
  // A link from the command line joins the library now and is shown by the first window.
  if (options.link) ui.openOnFirstWindow(await services.openLink(options.link))
  const localHost = options.webhookHost === '0.0.0.0' ? '127.0.0.1' : options.webhookHost
  const publicUrl = services.settings.value.publicUrl.replace(/\/+$/, '')
  // stdout carries this one line only (scripts read it); everything else is logged to stderr and the file.
  console.log(
    JSON.stringify({
      key: journal.key,
      link: journal.link,
      private: journal.private,
      webhookUrl: publicUrl ? `${publicUrl}/webhooks` : `http://${localHost}:${webhookPort}/webhooks`,
      localWebhookUrl: `http://${localHost}:${webhookPort}/webhooks`,
      uiUrl,
      published: services.publisher.list(),
      dataDir: options.dataDir,
      logFile: currentLogFile()
    })
  )
}

main().catch(async (error: unknown) => {
  // One plain sentence on the console; the stack goes to the file.
  logToFileOnly('headless', error, 'start failed')
  await flushLogs()
  process.stderr.write(`${startupFailureText(error, currentLogFile())}\n`)
  process.exit(1)
})
