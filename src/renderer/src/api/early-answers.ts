import type { EntryDto, JournalStatus } from '#shared/dto'
import { useApi } from './current'

interface ActiveJournalAnswers {
  status: Promise<JournalStatus>
  entries: Promise<EntryDto[]>
}

let early: ActiveJournalAnswers | null = null

/**
 * Entries asked for early: more than the tallest window shows at once. Parsing a 10,000-entry
 * list costs the page a tenth of a second on a slow machine; the rest of the list is asked for
 * once the first screen is painted (stores/journal.ts).
 */
export const FIRST_SCREEN_ENTRIES = 100

/**
 * Asks for the active journal's status and newest entries from the page's small first script, before
 * the app's own script has been fetched and parsed: the services work on a long list while the
 * page is being built instead of after.
 */
export function askForActiveJournalEarly(first = FIRST_SCREEN_ENTRIES): void {
  const api = useApi()
  early = { status: api.getStatus({}), entries: api.listEntries({ first }) }
  // A failure belongs to whoever takes the answers (it is shown there), not to the page at large.
  early.status.catch(() => undefined)
  early.entries.catch(() => undefined)
}

/** The answers asked for early, once; later callers ask again. */
export function takeActiveJournalAnswers(): ActiveJournalAnswers | null {
  const answers = early
  early = null
  return answers
}
