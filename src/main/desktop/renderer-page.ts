import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface RendererPageOptions {
  /** ELECTRON_RENDERER_URL: electron-vite's dev server, set by `electron-vite dev`. */
  devServerUrl: string | undefined
  /** app.isPackaged */
  packaged: boolean
  outDir: string
}

/**
 * The page the window loads. The dev server's address is honoured only in a development run: an
 * installed app started with ELECTRON_RENDERER_URL in its environment would otherwise load any
 * page it names, with the API bridge exposed to it and IPC trusting its origin.
 */
export function rendererEntryUrl({ devServerUrl, packaged, outDir }: RendererPageOptions): string {
  if (devServerUrl && !packaged) return devServerUrl
  return pathToFileURL(join(outDir, 'renderer', 'index.html')).toString()
}

/** A page is trusted only if it is the app's own renderer (same origin and path as the entry). */
export function isTrustedPageUrl(url: string, entryUrl: string): boolean {
  try {
    const page = new URL(url)
    const entry = new URL(entryUrl)
    return page.protocol === entry.protocol && page.host === entry.host && page.pathname === entry.pathname
  } catch {
    return false
  }
}
