import { readFile } from 'node:fs/promises'
import type { IncomingHttpHeaders } from 'node:http'

export type SignatureCheck = (secret: string, headers: IncomingHttpHeaders, rawBody: string) => boolean

/**
 * The signature check exactly as the README gives it to receivers (the first JavaScript block
 * under "Checking the signature"), loaded as a module: tests verify messages with what people
 * copy, so the README cannot drift from what the app sends.
 */
export async function readmeSignatureCheck(): Promise<SignatureCheck> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('#### Checking the signature'))
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1]
  if (!code) throw new Error('README.md has no JavaScript block under "Checking the signature"')
  const module = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as { isFromVoiceJournal?: SignatureCheck }
  if (typeof module.isFromVoiceJournal !== 'function') throw new Error("README.md's signature check no longer exports isFromVoiceJournal")
  return module.isFromVoiceJournal
}
