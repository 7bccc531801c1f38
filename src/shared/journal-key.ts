/**
 * Journal keys as people see them: 52-character z-base-32 (what the app shows), 64-character hex,
 * or a `hyper://` link, optionally with `+<version>`. Pure string work, shared by window and services.
 */
const Z_BASE_32 = /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/
const HEX = /^[0-9a-f]{64}$/

export interface ParsedJournalLink {
  /** The key as it was given, lower-cased (z-base-32 or hex). */
  key: string
  version?: number
}

export const KEY_HELP =
  'A journal key is 52 letters and digits (z-base-32) or 64 hex characters, optionally as a hyper:// link, e.g. hyper://<key>/ or hyper://<key>+12/.'

export function journalLink(key: string, version?: number): string {
  return `hyper://${key}${version === undefined ? '' : `+${version}`}/`
}

/** Returns the key and version, or null when the text is not a journal key or link. */
export function parseJournalLink(text: string): ParsedJournalLink | null {
  let rest = text.trim()
  if (/^hyper:\/\//i.test(rest)) rest = rest.slice('hyper://'.length).replace(/\/.*$/, '')
  const match = /^([^+/]+)(?:\+(\d{1,15}))?\/?$/.exec(rest)
  if (!match || !match[1]) return null
  const key = match[1].toLowerCase()
  if (!Z_BASE_32.test(key) && !HEX.test(key)) return null
  const version = match[2] === undefined ? undefined : Number(match[2])
  if (version !== undefined && version < 1) return null
  return version === undefined ? { key } : { key, version }
}
