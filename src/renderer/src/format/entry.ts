import moment from 'moment'
import { filesize } from 'filesize'
import type { EntryDto, EntrySource } from '#shared/dto'

const TIME_FORMAT = 'D MMM YYYY, HH:mm'

export function formatTime(ms: number): string {
  return moment(ms).format(TIME_FORMAT)
}

export function formatFullTime(ms: number): string {
  return moment(ms).format('dddd, D MMMM YYYY, HH:mm:ss')
}

export function formatBytes(bytes: number): string {
  return filesize(bytes, { round: 1 })
}

/**
 * Calls arrive without a title: the first sentence said in one names it when it has a transcript,
 * and its time otherwise, which keeps the list scannable.
 */
export function entryTitle(entry: Pick<EntryDto, 'title' | 'mtime' | 'firstSentence'>): string {
  return entry.title?.trim() || entry.firstSentence?.trim() || `Recording ${formatTime(entry.mtime)}`
}

const SOURCE_LABELS: Record<EntrySource, string> = {
  import: 'Imported',
  record: 'Call',
  stream: 'Live call',
  microphone: 'Recorded here'
}

export function sourceLabel(source: EntrySource): string {
  return SOURCE_LABELS[source] ?? source
}
