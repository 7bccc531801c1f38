import type { SeedingProgress } from '#shared/dto'
import { formatBytes } from './entry'

/** 0–100, for a progress bar; a journal with nothing to fetch counts as fully there. */
export function seedingPercent(progress: SeedingProgress): number {
  if (progress.complete || progress.bytesTotal <= 0) return progress.complete ? 100 : 0
  return Math.min(100, Math.floor((progress.bytesDownloaded / progress.bytesTotal) * 100))
}

/** "12.3 MB of 40 MB" — or just the total once everything is here. */
export function seedingBytes(progress: SeedingProgress): string {
  if (progress.complete) return formatBytes(progress.bytesTotal)
  return `${formatBytes(progress.bytesDownloaded)} of ${formatBytes(progress.bytesTotal)}`
}

export function seedingSpeed(progress: SeedingProgress): string {
  return `${formatBytes(progress.bytesPerSecond)}/s`
}

/** One line for the library list: state, then what is held and how fast more arrives. */
export function describeSeeding(progress: SeedingProgress, writable: boolean): string {
  // A journal we write is complete by definition and always served while the app runs.
  if (writable) return 'Served from this device'
  if (progress.state === 'off') return progress.complete ? 'Not seeding · all here ✓' : 'Not seeding · plays on demand'
  if (progress.complete) return `${progress.state === 'paused' ? 'Paused' : 'Seeding'} · ${seedingBytes(progress)} · complete ✓`
  const parts = [progress.state === 'paused' ? 'Paused' : 'Seeding', seedingBytes(progress)]
  if (progress.state === 'seeding' && progress.bytesPerSecond > 0) parts.push(seedingSpeed(progress))
  return parts.join(' · ')
}
