import type { HistoryItem } from '#shared/dto'

export type ChangeLabel = HistoryItem['change']

export interface ChangeView {
  label: ChangeLabel
  /** The entry's title (for a deletion, the one it had), else the file name. */
  name: string
}

export function describeChange(item: HistoryItem): ChangeView {
  return { label: item.change, name: item.title?.trim() || item.path.split('/').pop() || item.path }
}
