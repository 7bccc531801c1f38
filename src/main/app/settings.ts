import { join } from 'node:path'
import { readJsonFile, writeJsonFile } from '../storage/json-file'
import { parseBootstrap, type BootstrapNode } from '../network/bootstrap'

/** Settings kept in the data directory; the command line overrides them for one run. */
export interface Settings {
  /** DHT bootstrap nodes as `host:port`; empty = the public Hyperswarm network. */
  bootstrap: string[]
}

const DEFAULTS: Settings = { bootstrap: [] }

export class SettingsStore {
  private constructor(
    private readonly file: string,
    private current: Settings
  ) {}

  static async load(dataDir: string): Promise<SettingsStore> {
    const file = join(dataDir, 'settings.json')
    const saved = await readJsonFile<Partial<Settings>>(file, {})
    const settings = { ...DEFAULTS, ...saved }
    // A hand-edited file with a bad node should say so at start, not fail later inside the DHT.
    parseBootstrap(settings.bootstrap.join(','))
    return new SettingsStore(file, settings)
  }

  get value(): Settings {
    return this.current
  }

  bootstrapNodes(): BootstrapNode[] {
    return parseBootstrap(this.current.bootstrap.join(','))
  }

  async update(change: Partial<Settings>): Promise<void> {
    const next = { ...this.current, ...change }
    parseBootstrap(next.bootstrap.join(','))
    this.current = next
    await writeJsonFile(this.file, next)
  }
}
