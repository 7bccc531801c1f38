import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

/** Samples another process's resident memory and CPU time from /proc (Linux) while a run goes on. */
export class ProcessMeter {
  private peakRss = 0
  private readonly timer: NodeJS.Timeout
  private readonly startCpu: number
  private readonly startedAt = performance.now()

  constructor(
    private readonly pid: number,
    intervalMs = 200
  ) {
    this.startCpu = this.cpuSeconds()
    this.timer = setInterval(() => this.sample(), intervalMs)
  }

  /** The highest resident memory seen so far. */
  get peak(): number {
    return this.peakRss
  }

  stop(): { peakRssBytes: number; cpuPercent: number } {
    clearInterval(this.timer)
    this.sample()
    const wall = (performance.now() - this.startedAt) / 1000
    return { peakRssBytes: this.peakRss, cpuPercent: ((this.cpuSeconds() - this.startCpu) / wall) * 100 }
  }

  private sample(): void {
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1]
      if (rss) this.peakRss = Math.max(this.peakRss, Number(rss) * 1024)
    } catch {
      // The process has exited; the run reports that itself.
    }
  }

  private cpuSeconds(): number {
    try {
      const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) / 100 // utime + stime, in ticks of 1/100 s
    } catch {
      return this.startCpu
    }
  }
}
