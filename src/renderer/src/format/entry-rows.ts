import type { EntryDto } from '#shared/dto'

/** An entry's row; one of a call's recordings carries which of them it is. */
export interface EntryRow {
  kind: 'entry'
  key: string
  entry: EntryDto
  part?: { number: number; of: number }
}

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

export type EntryListItem = EntryRow | CallGroupRow

/**
 * The entry list's rows: every entry newest first, as listed, except that the recordings of one
 * call (entries sharing a call id) come together where the call's newest one would be, under a
 * header, in the order they were recorded. Linear in the number of entries and worked out once
 * per list (the list is replaced, never changed in place), so a long journal scrolls as before.
 */
export function entryRows(entries: readonly EntryDto[]): EntryListItem[] {
  const calls = new Map<string, EntryDto[]>()
  for (const entry of entries) {
    if (!entry.callId) continue
    const parts = calls.get(entry.callId)
    if (parts) parts.push(entry)
    else calls.set(entry.callId, [entry])
  }
  const rows: EntryListItem[] = []
  const placed = new Set<string>()
  for (const entry of entries) {
    const parts = entry.callId ? calls.get(entry.callId) : undefined
    // A call with one recording is an entry like any other.
    if (!parts || parts.length < 2) {
      rows.push({ kind: 'entry', key: entry.path, entry })
      continue
    }
    if (placed.has(entry.callId!)) continue
    placed.add(entry.callId!)
    const inCallOrder = [...parts].sort((a, b) => a.mtime - b.mtime || (a.path < b.path ? -1 : 1))
    rows.push({
      kind: 'call',
      key: `call:${entry.callId!}`,
      callId: entry.callId!,
      parts: inCallOrder,
      startedAt: inCallOrder[0]!.mtime,
      durationMs: inCallOrder.reduce((sum, part) => sum + part.durationMs, 0)
    })
    inCallOrder.forEach((part, i) => rows.push({ kind: 'entry', key: part.path, entry: part, part: { number: i + 1, of: inCallOrder.length } }))
  }
  return rows
}

/**
 * The entry row nearest `index` going `direction` (1 down, -1 up), else the nearest the other
 * way; -1 when there is none. Headers are not stops: the keyboard moves from entry to entry.
 */
export function nearestEntryRow(rows: readonly EntryListItem[], index: number, direction: 1 | -1): number {
  const start = Math.max(0, Math.min(rows.length - 1, index))
  for (const step of [direction, -direction]) {
    for (let at = start; at >= 0 && at < rows.length; at += step) if (rows[at]!.kind === 'entry') return at
  }
  return -1
}
