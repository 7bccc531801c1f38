/**
 * Journal keys as people see them: 52-character z-base-32 (what the app shows), 64-character hex,
 * or a `hyper://` link, optionally with `+<version>`. A private journal's link also carries its
 * read key in the fragment: `hyper://<key>/#encryptionKey=<z-base-32>` (a fragment is never sent
 * to a server, and the swarm only ever sees the public key). Pure string work, shared by window
 * and services.
 */
const Z_BASE_32 = /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/
const HEX = /^[0-9a-f]{64}$/

export interface ParsedJournalLink {
  /** The key as it was given, lower-cased (z-base-32 or hex). */
  key: string
  version?: number
  /** A private journal's read key as it was given, lower-cased (z-base-32 or hex of 32 bytes). */
  encryptionKey?: string
}

export const KEY_HELP =
  'A journal key is 52 letters and digits (z-base-32) or 64 hex characters, optionally as a hyper:// link, e.g. hyper://<key>/ or hyper://<key>+12/; ' +
  "a private journal's link ends in #encryptionKey= and its 52-character read key."

export function journalLink(key: string, version?: number, encryptionKey?: string): string {
  const link = `hyper://${key}${version === undefined ? '' : `+${version}`}/`
  return encryptionKey === undefined ? link : `${link}#encryptionKey=${encryptionKey}`
}

const isKeyText = (text: string): boolean => Z_BASE_32.test(text) || HEX.test(text)

/** Returns the key, version and read key, or null when the text is not a journal key or link. */
export function parseJournalLink(text: string): ParsedJournalLink | null {
  let rest = text.trim()
  let encryptionKey: string | undefined
  const hash = rest.indexOf('#')
  if (hash >= 0) {
    const fragment = /^encryptionKey=([^&#\s]+)$/.exec(rest.slice(hash + 1))
    if (!fragment?.[1]) return null
    encryptionKey = fragment[1].toLowerCase()
    if (!isKeyText(encryptionKey)) return null
    rest = rest.slice(0, hash)
  }
  if (/^hyper:\/\//i.test(rest)) rest = rest.slice('hyper://'.length).replace(/\/.*$/, '')
  const match = /^([^+/]+)(?:\+(\d{1,15}))?\/?$/.exec(rest)
  if (!match || !match[1]) return null
  const key = match[1].toLowerCase()
  if (!isKeyText(key)) return null
  const version = match[2] === undefined ? undefined : Number(match[2])
  if (version !== undefined && version < 1) return null
  return { key, ...(version === undefined ? {} : { version }), ...(encryptionKey === undefined ? {} : { encryptionKey }) }
}
