/**
 * What the window gets of a transcript and of a search: flattened, times in milliseconds from the
 * start of the recording. Vonage's own JSON (src/shared/transcript.ts) stays inside the services.
 */

export interface TranscriptWordDto {
  text: string
  startMs: number
  endMs: number
}

export interface TranscriptSentenceDto {
  text: string
  startMs: number
  endMs: number
  words: TranscriptWordDto[]
}

/** An entry's transcript: channel 0 of Vonage's JSON, sentence by sentence. */
export interface TranscriptDto {
  sentences: TranscriptSentenceDto[]
}

/** A piece of a snippet: the window highlights the pieces that matched, and shows the rest as text. */
export interface SnippetPart {
  text: string
  match?: true
  /** For a matching word of a transcript: where it is said, so a click plays from it. */
  startMs?: number
}

/** One entry a search found. */
export interface SearchHit {
  /** The entry's path. */
  path: string
  /** The words of the entry (title or transcript) the query matched, lower case as indexed. */
  terms: string[]
  /** Where the first matching word of the transcript starts; absent when only the title matched. */
  startMs?: number
  /** The transcript around that word (or the title's words), matches marked. */
  snippet: SnippetPart[]
  /** Where the match is: the title, the transcript, or both. */
  in: 'title' | 'transcript' | 'both'
}

export interface SearchResults {
  query: string
  /** Best first, at most the limit asked for. */
  hits: SearchHit[]
  /** How many entries matched in all (more than `hits` when the limit cut them). */
  total: number
  /** Entries whose transcript could not be read yet (a peer's journal still downloading): not searched. */
  unindexed: number
}
