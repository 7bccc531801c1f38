import type { HistoryItem } from '#shared/dto'

export type ChangeLabel = HistoryItem['change']

export interface ChangeView {
  label: ChangeLabel
  /** The entry's title (for a deletion, the one it had), else the file name. */
  name: string
}

const TRANSCRIPT_CHANGES: Record<ChangeLabel, string> = { added: 'added', changed: 'corrected', deleted: 'removed' }

export function describeChange(item: HistoryItem): ChangeView {
  const name = item.title?.trim() || item.path.split('/').pop() || item.path
  // A transcript's change is its entry's: "Transcript of Harbour corrected".
  if (item.subject === 'transcript') return { label: item.change, name: `Transcript of ${name} ${TRANSCRIPT_CHANGES[item.change]}` }
  return { label: item.change, name }
}
