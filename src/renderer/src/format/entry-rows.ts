import type { EntryDto } from '#shared/dto'

/** The header over one call's recordings: "One call · 3 recordings". */
export interface CallGroupRow {
  kind: 'call'
  key: string
  callId: string
  /** The call's recordings in the order they were made. */
  parts: EntryDto[]
  startedAt: number
  durationMs: number
}

/** A row of the entry list: an entry, or the header over a call's entries. */
export type EntryListItem = EntryDto | CallGroupRow

/** Which of its call's recordings an entry is, when the call made several. */
export interface CallPart {
  number: number
  of: number
}

export interface EntryRows {
  rows: readonly EntryListItem[]
  /** By entry path; only entries shown under a call's header are here. */
  partOf: ReadonlyMap<string, CallPart>
}

/** Marks a call whose rows are already in the list (its later recordings are skipped). */
const PLACED: EntryDto[] = []
const NO_PARTS: ReadonlyMap<string, CallPart> = new Map()

export function isCallGroup(item: EntryListItem): item is CallGroupRow {
  return (item as Partial<CallGroupRow>).kind === 'call'
}

export function rowKey(item: EntryListItem): string {
  return isCallGroup(item) ? item.key : item.path
}

/**
 * The entry list's rows: every entry newest first, as listed, except that the recordings of one
 * call (entries sharing a call id) come together where the call's newest one would be, under a
 * header, in the order they were recorded. Linear in the number of entries and worked out once
 * per list (the list is replaced, never changed in place); a list without such calls is used as
 * it is, so a long journal of single entries costs what it did before calls were grouped.
 */
export function entryRows(entries: readonly EntryDto[]): EntryRows {
  const calls = new Map<string, EntryDto[]>()
  let grouped = false
  for (const entry of entries) {
    if (!entry.callId) continue
    const parts = calls.get(entry.callId)
    if (parts) {
      parts.push(entry)
      grouped = true
    } else calls.set(entry.callId, [entry])
  }
  if (!grouped) return { rows: entries, partOf: NO_PARTS }

  const rows: EntryListItem[] = []
  const partOf = new Map<string, CallPart>()
  for (const entry of entries) {
    const parts = entry.callId ? calls.get(entry.callId) : undefined
    // A call with one recording is an entry like any other.
    if (!parts || parts.length < 2) {
      if (parts !== PLACED) rows.push(entry)
      continue
    }
    calls.set(entry.callId!, PLACED)
    const inCallOrder = parts.sort((a, b) => a.mtime - b.mtime || (a.path < b.path ? -1 : 1))
    let durationMs = 0
    for (const part of inCallOrder) durationMs += part.durationMs
    rows.push({ kind: 'call', key: `call:${entry.callId!}`, callId: entry.callId!, parts: inCallOrder, startedAt: inCallOrder[0]!.mtime, durationMs })
    inCallOrder.forEach((part, i) => {
      rows.push(part)
      partOf.set(part.path, { number: i + 1, of: inCallOrder.length })
    })
  }
  return { rows, partOf }
}

/**
 * The entry row nearest `index` going `direction` (1 down, -1 up), else the nearest the other
 * way; -1 when there is none. Headers are not stops: the keyboard moves from entry to entry.
 */
export function nearestEntryRow(rows: readonly EntryListItem[], index: number, direction: 1 | -1): number {
  const start = Math.max(0, Math.min(rows.length - 1, index))
  for (const step of [direction, -direction]) {
    for (let at = start; at >= 0 && at < rows.length; at += step) if (!isCallGroup(rows[at]!)) return at
  }
  return -1
}
