/** Quieter than this is shown as silence; 0 dBFS is full scale. */
const FLOOR_DB = -60

/**
 * The input level of a stream, 0 to 100, measured every `intervalMs` (not every frame: a meter
 * that screen readers and the rendering both follow needs a few updates a second, not sixty).
 */
export class LevelMeter {
  private readonly context: AudioContext
  private readonly timer: ReturnType<typeof setInterval>

  constructor(stream: MediaStream, onLevel: (level: number) => void, intervalMs = 100) {
    this.context = new AudioContext()
    const analyser = this.context.createAnalyser()
    analyser.fftSize = 2048
    this.context.createMediaStreamSource(stream).connect(analyser)
    const samples = new Float32Array(analyser.fftSize)
    this.timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples)
      onLevel(levelOf(samples))
    }, intervalMs)
  }

  stop(): void {
    clearInterval(this.timer)
    void this.context.close().catch(() => undefined)
  }
}

/** RMS in dBFS mapped from FLOOR_DB…0 onto 0…100. */
export function levelOf(samples: Float32Array): number {
  let sum = 0
  for (const sample of samples) sum += sample * sample
  const rms = Math.sqrt(sum / Math.max(1, samples.length))
  if (rms === 0) return 0
  const db = 20 * Math.log10(rms)
  return Math.round(Math.min(100, Math.max(0, ((db - FLOOR_DB) / -FLOOR_DB) * 100)))
}
