// sodium-native ships no type declarations. These cover only what the backup file calls
// (src/main/identity/sealed-file.ts), so a wrong call is a compile error.

declare module 'sodium-native' {
  namespace sodium {
    const crypto_pwhash_ALG_ARGON2ID13: number
    const crypto_pwhash_SALTBYTES: number
    const crypto_pwhash_OPSLIMIT_MIN: number
    const crypto_pwhash_OPSLIMIT_INTERACTIVE: number
    const crypto_pwhash_OPSLIMIT_MODERATE: number
    const crypto_pwhash_OPSLIMIT_SENSITIVE: number
    const crypto_pwhash_MEMLIMIT_MIN: number
    const crypto_pwhash_MEMLIMIT_INTERACTIVE: number
    const crypto_pwhash_MEMLIMIT_MODERATE: number
    const crypto_pwhash_MEMLIMIT_SENSITIVE: number
    /** Argon2 on libuv's thread pool: the event loop (seeding, calls) goes on meanwhile. */
    function crypto_pwhash_async(out: Buffer, passwd: Buffer, salt: Buffer, opslimit: number, memlimit: number, alg: number): Promise<void>
    const crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: number
    const crypto_aead_xchacha20poly1305_ietf_KEYBYTES: number
    const crypto_aead_xchacha20poly1305_ietf_ABYTES: number
    /** Returns the ciphertext's length (message + ABYTES). */
    function crypto_aead_xchacha20poly1305_ietf_encrypt(c: Buffer, m: Buffer, ad: Buffer | null, nsec: null, npub: Buffer, k: Buffer): number
    /** Throws when the ciphertext, the associated data or the key do not match. */
    function crypto_aead_xchacha20poly1305_ietf_decrypt(m: Buffer, nsec: null, c: Buffer, ad: Buffer | null, npub: Buffer, k: Buffer): number
    function crypto_generichash(out: Buffer, input: Buffer, key?: Buffer): void
    function randombytes_buf(buf: Buffer): void
    function sodium_memzero(buf: Buffer): void
  }
  export = sodium
}
