/// <reference types="vite/client" />
import type { ApiBridge } from '#shared/bridge'

declare global {
  interface Window {
    /** Present only inside Electron, where the preload exposes it; the browser build talks HTTP. */
    voiceJournal?: ApiBridge
  }
}

export {}
