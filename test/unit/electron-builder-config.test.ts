import { strict as assert } from 'node:assert'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { APP_ID, DESKTOP_FILE } from '../../src/main/desktop/launch'
import { makeTempDir } from '../helpers/temp-dir'

// electron-builder's own loader and schema check (what `electron-builder` runs before packaging),
// so a misspelt or misplaced key fails here instead of at release time.
const require = createRequire(import.meta.url)
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: object | null): Promise<BuilderConfig>
  validateConfiguration(config: object, debugLogger: { isEnabled: boolean }): Promise<void>
}
const asar = require('@electron/asar') as { listPackage(archive: string, options?: object): string[] }
// electron-builder's own writer of the Linux .desktop entry (deb and AppImage), on this configuration.
const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
  LinuxTargetHelper: new (packager: object) => { getDesktopFileName(): string; computeDesktopEntry(options: object): Promise<string> }
}

const ROOT = join(import.meta.dirname, '..', '..')
const NO_DEBUG = { isEnabled: false }

interface PlatformConfig {
  target: string | Array<string | { target: string }>
  icon: string
  files: Array<string | { filter: string[] }>
  executableName?: string
  syncDesktopName?: boolean
}
interface BuilderConfig {
  appId: string
  productName: string
  directories: { output: string }
  asarUnpack: string[]
  npmRebuild: boolean
  files: Array<{ filter: string[] }>
  protocols: Array<{ name: string; schemes: string[] }>
  mac: PlatformConfig
  win: PlatformConfig
  linux: PlatformConfig
  publish: unknown
}

let loaded: Promise<BuilderConfig> | undefined
/** Loaded once (electron-builder logs each load); tests that change it work on copies. */
const load = (): Promise<BuilderConfig> => (loaded ??= getConfig(ROOT, null, null))
const targets = (platform: PlatformConfig): string[] => [platform.target].flat().map((target) => (typeof target === 'string' ? target : target.target))

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file)
  assert.equal(bytes.subarray(1, 4).toString('ascii'), 'PNG', `${file} is a PNG`)
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

describe('electron-builder configuration', () => {
  it("passes electron-builder's schema, which does catch a misspelt key", async () => {
    const config = await load()
    await validateConfiguration(config, NO_DEBUG)
    await assert.rejects(validateConfiguration({ ...config, asarUnpak: ['**/*.node'] }, NO_DEBUG), /Invalid configuration object/)
    await assert.rejects(validateConfiguration({ ...config, mac: { ...config.mac, categroy: 'public.app-category.productivity' } }, NO_DEBUG), /Invalid configuration object/)
  })

  it('builds AppImage and deb, dmg, and nsis, into dist/, publishing nothing', async () => {
    const config = await load()
    assert.equal(config.appId, 'org.voicejournal.desktop')
    // The running app claims the same id as its Windows AppUserModelID (src/main/desktop/launch.ts).
    assert.equal(config.appId, APP_ID)
    assert.equal(config.productName, 'Voice Journal')
    assert.deepEqual(targets(config.linux), ['AppImage', 'deb'])
    assert.deepEqual(targets(config.mac), ['dmg'])
    assert.deepEqual(targets(config.win), ['nsis'])
    assert.equal(config.directories.output, 'dist')
    assert.equal(config.publish, null)
  })

  it('unpacks native addons from the archive and needs no rebuild', async () => {
    const config = await load()
    assert.deepEqual(config.asarUnpack, ['**/*.node'])
    assert.equal(config.npmRebuild, false)
  })

  it('packs the built app and its run-time resources, and prunes each platform to its own prebuilds', async () => {
    const config = await load()
    const files = config.files.flatMap((set) => set.filter)
    for (const pattern of ['out/**', 'resources/tray/**', 'package.json']) assert.ok(files.includes(pattern), pattern)
    for (const [key, platform] of [
      ['mac', 'darwin'],
      ['win', 'win32'],
      ['linux', 'linux']
    ] as const) {
      const own = config[key].files.flatMap((set) => (typeof set === 'string' ? [set] : set.filter))
      assert.ok(own.includes(`!**/node_modules/**/prebuilds/!(${platform}-\${arch}){,/**}`), `${key} keeps only ${platform} prebuilds`)
    }
  })

  it('registers hyper:// links', async () => {
    const config = await load()
    assert.deepEqual(
      config.protocols.flatMap((protocol) => protocol.schemes),
      ['hyper']
    )
  })

  it('installs the Linux desktop entry as voice-journal.desktop, the desktopName Electron runs under, with the hyper:// MimeType', async () => {
    const config = await load()
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { desktopName?: string; description: string }
    // Electron sets the app's desktop name (CHROME_DESKTOP, the Wayland app_id) from package.json's desktopName.
    assert.equal(pkg.desktopName, DESKTOP_FILE)
    assert.equal(config.linux.syncDesktopName, true)
    const helper = new LinuxTargetHelper({
      config,
      platformSpecificBuildOptions: config.linux,
      info: { metadata: pkg },
      executableName: config.linux.executableName,
      appInfo: { productName: config.productName, sanitizedProductName: config.productName, description: pkg.description },
      fileAssociations: []
    })
    assert.equal(`${helper.getDesktopFileName()}.desktop`, DESKTOP_FILE)
    const entry = await helper.computeDesktopEntry(config.linux)
    assert.match(entry, /^StartupWMClass=voice-journal$/m)
    // What makes the installed app the hyper:// handler on Linux: it never registers itself there.
    assert.match(entry, /^MimeType=x-scheme-handler\/hyper;$/m)
    assert.match(entry, /^Exec="\/opt\/Voice Journal\/voice-journal" %U$/m)
  })

  it('has a 1024 px app icon and the tray icons the app loads', async () => {
    const config = await load()
    for (const platform of [config.mac, config.win, config.linux]) assert.deepEqual(pngSize(join(ROOT, platform.icon)), { width: 1024, height: 1024 })
    for (const [name, size] of [
      ['tray.png', 16],
      ['tray@2x.png', 32],
      ['trayTemplate.png', 16],
      ['trayTemplate@2x.png', 32]
    ] as const) {
      assert.deepEqual(pngSize(join(ROOT, 'resources', 'tray', name)), { width: size, height: size }, name)
    }
  })
})

// A real `electron-builder --dir` run, offline: a stand-in Electron distribution (one script where
// the binary would be) replaces the download; everything else — collecting node_modules, the
// file patterns, asar, unpacking — is electron-builder's own work on this project.
const skipPacking =
  process.platform !== 'linux'
    ? 'packs with a stand-in Linux Electron distribution; this is not Linux'
    : !existsSync(join(ROOT, 'out', 'main', 'index.js'))
      ? 'out/ is not built (npm test builds it first; or run npm run build)'
      : false

describe('packing the app (electron-builder --dir, nothing downloaded)', { skip: skipPacking }, () => {
  it('puts the built app in app.asar and only this platform’s native addons beside it', async () => {
    const work = await makeTempDir()
    try {
      const electronDist = join(work.dir, 'electron')
      await mkdir(electronDist)
      await writeFile(join(electronDist, 'electron'), '#!/bin/sh\nexit 0\n')
      await chmod(join(electronDist, 'electron'), 0o755)
      const output = join(work.dir, 'dist')
      const run = spawnSync(
        process.execPath,
        [require.resolve('electron-builder/cli.js'), '--linux', 'dir', `--${process.arch}`, '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`],
        { cwd: ROOT, encoding: 'utf8', timeout: 300_000 }
      )
      assert.equal(run.status, 0, `electron-builder failed:\n${run.stdout}\n${run.stderr}`)

      const resources = join(output, `linux-${process.arch === 'x64' ? '' : `${process.arch}-`}unpacked`, 'resources')
      const packed = asar.listPackage(join(resources, 'app.asar')).map((file) => file.replaceAll('\\', '/'))
      // The Vonage simulator is bundled into out/main ("Simulate a call"), its caller audio beside it.
      for (const file of ['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/out/main/resources/caller.wav', '/out/main/resources/caller.mp3', '/resources/tray/tray.png']) {
        assert.ok(packed.includes(file), `${file} is packed`)
      }
      // The workspace package itself, and what only its command line needs (tsx, esbuild), stay out.
      for (const outside of ['/src', '/test', '/scripts', '/packages', '/README.md', '/electron-builder.yml', '/resources/make-icons.mjs', '/node_modules/@voice-journal', '/node_modules/tsx', '/node_modules/esbuild']) {
        assert.ok(!packed.some((file) => file === outside || file.startsWith(`${outside}/`)), `${outside} stays out`)
      }
      assert.ok(!packed.some((file) => file.endsWith('.map') || file.endsWith('.bare')), 'no source maps or Bare addons')

      const prebuildDirs = new Set(packed.filter((file) => /\/prebuilds\/[^/]+$/.test(file)).map((file) => file.split('/').pop()))
      assert.deepEqual([...prebuildDirs], [`linux-${process.arch}`])
      // Every addon is in the archive's index but its bytes are outside it, where dlopen can read them.
      const addons = packed.filter((file) => file.endsWith('.node'))
      assert.ok(addons.some((file) => file.includes('/rocksdb-native/')) && addons.some((file) => file.includes('/sodium-native/')), 'the storage and crypto addons are packed')
      for (const addon of addons) assert.ok(existsSync(join(resources, 'app.asar.unpacked', addon)), `${addon} is unpacked`)
    } finally {
      await work.cleanup()
    }
  })
})
