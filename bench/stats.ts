import { availableParallelism, loadavg } from 'node:os'

/** Small statistics for benchmark reports: figures are quoted as medians and ratios, never single timings. */

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** The value at or below which `p` % of the values lie (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export const max = (values: number[]): number => values.reduce((a, b) => Math.max(a, b), 0)

/** Whole mebibytes, as the reports print sizes. */
export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`

/** How a figure compares with its target, as every report prints it. */
export const verdict = (met: boolean): string => (met ? 'met' : 'NOT met')

/**
 * How busy the machine was over the last minute. Timings on a shared 2-core machine move with
 * what else runs on it, so a report says under what load it was taken.
 */
export const machineLoad = (): string => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`
