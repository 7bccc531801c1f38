import type { SecretSealer } from '../library/journal-keys'

/** The part of Electron's `safeStorage` the sealer uses (passed in, so this decision is testable without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(sealed: Buffer): string
  /** Linux only: which secret store backs it ('basic_text' is a fixed password in the app: no protection). */
  getSelectedStorageBackend?(): string
}

export const SAFE_STORAGE_SEALER = 'electron-safe-storage'

/**
 * The private journals' read keys are sealed with the system's key store (Keychain, DPAPI, the
 * Secret Service or KWallet) where one really protects them. Where it does not — no key store,
 * or Linux's 'basic_text' fallback whose password ships inside every copy of Electron — the
 * keys stay in a file only the user can read (0600), as on headless hosts: sealing with a
 * public password would only pretend.
 */
export function secretSealerFor(safeStorage: SafeStorageLike, platform: NodeJS.Platform): SecretSealer | null {
  if (!safeStorage.isEncryptionAvailable()) return null
  if (platform === 'linux' && (safeStorage.getSelectedStorageBackend?.() ?? 'basic_text') === 'basic_text') return null
  return {
    name: SAFE_STORAGE_SEALER,
    seal: (plain) => safeStorage.encryptString(plain),
    open: (sealed) => safeStorage.decryptString(sealed)
  }
}
