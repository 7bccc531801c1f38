/** An inclusive byte range inside a file, already clamped to it. */
export interface ByteRange {
  start: number
  end: number
}

export type RangeRequest =
  | { kind: 'full' }
  | { kind: 'partial'; range: ByteRange }
  | { kind: 'unsatisfiable' }

/**
 * Resolves an HTTP `Range` header against a file of `size` bytes. Only single `bytes=` ranges
 * are honoured (what media elements send); anything else is served whole, as RFC 9110 allows.
 * Clamping here matters: Hyperdrive reads past a file's end into the next file's bytes, and a
 * start past the data never resolves.
 */
export function resolveRange(header: string | null | undefined, size: number): RangeRequest {
  if (!header) return { kind: 'full' }
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match) return { kind: 'full' }
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return { kind: 'full' }
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size - 1 } }
  }
  const start = Number(first)
  if (start >= size) return { kind: 'unsatisfiable' }
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (end < start) return { kind: 'unsatisfiable' }
  return { kind: 'partial', range: { start, end } }
}
