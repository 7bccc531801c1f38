import { Vonage } from '@vonage/server-sdk'
import type { Settings } from '../app/settings'

export class VonageSetupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'VonageSetupError'
  }
}

/**
 * Points the Vonage application's voice webhooks at this app. The Applications API replaces the
 * whole application on PUT, so it is read first, only the two webhook addresses change, and the
 * rest goes back as it was.
 */
export async function configureVonageApplication(settings: Settings, apiKey: string, apiSecret: string): Promise<{ answerUrl: string; eventUrl: string }> {
  if (!settings.applicationId) throw new VonageSetupError('Set the application id first.')
  if (!settings.publicUrl) throw new VonageSetupError('Set the public URL first: it is the address Vonage will call.')
  const base = settings.publicUrl.replace(/\/+$/, '')
  const answerUrl = `${base}/webhooks/answer`
  const eventUrl = `${base}/webhooks/event`
  const vonage = new Vonage({ apiKey, apiSecret }, settings.apiHost ? { apiHost: settings.apiHost } : {})
  let application: Record<string, unknown>
  try {
    application = dropSnakeCaseTwins((await vonage.applications.getApplication(settings.applicationId)) as unknown as Record<string, unknown>)
  } catch (error) {
    throw new VonageSetupError(`Could not read the Vonage application: ${describe(error)}`)
  }
  const capabilities = (application.capabilities ?? {}) as Record<string, Record<string, unknown>>
  const voice = capabilities.voice ?? {}
  const webhooks = (voice.webhooks ?? {}) as Record<string, unknown>
  const updated = {
    ...application,
    capabilities: {
      ...capabilities,
      voice: {
        ...voice,
        webhooks: { ...webhooks, answerUrl: { address: answerUrl, httpMethod: 'GET' }, eventUrl: { address: eventUrl, httpMethod: 'POST' } }
      }
    }
  }
  try {
    await vonage.applications.updateApplication(updated as never)
  } catch (error) {
    throw new VonageSetupError(`Could not update the Vonage application: ${describe(error)}`)
  }
  return { answerUrl, eventUrl }
}

/**
 * The SDK returns every key twice (snake_case and camelCase) and snake-cases on the way back,
 * where the twins would collide: keep the camelCase ones.
 */
function dropSnakeCaseTwins(value: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const camel = key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())
    if (camel !== key && camel in value) continue
    result[key] = item && typeof item === 'object' && !Array.isArray(item) ? dropSnakeCaseTwins(item as Record<string, unknown>) : item
  }
  return result
}

function describe(error: unknown): string {
  const message = (error as Error)?.message ?? String(error)
  if (/401|Unauthorized/i.test(message)) return 'the API key or secret is wrong'
  if (/404|Not Found/i.test(message)) return 'no application with that id in this account'
  return message
}
