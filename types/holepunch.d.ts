// The Holepunch modules ship no type declarations. These cover only what Voice Journal calls,
// so a wrong call is a compile error rather than a runtime surprise.

declare module 'corestore' {
  import type { Duplex } from 'node:stream'
  import type CoreStorage from 'hypercore-storage'
  export default class Corestore {
    constructor(storage: string | CoreStorage, opts?: Record<string, unknown>)
    ready(): Promise<void>
    namespace(name: string): Corestore
    session(): Corestore
    /** A core by key (a session of it); the same key twice shares one core. */
    get(opts: { key: Buffer; encryptionKey?: Buffer } | { name: string }): import('hyperdrive').HypercoreLike
    replicate(stream: Duplex | boolean): Duplex
    /** The seed every named core's key pair derives from (known once ready). */
    readonly primaryKey: Buffer
    close(): Promise<void>
  }
}

declare module 'hypercore-storage' {
  /** Hypercore's RocksDB storage; Corestore makes one from a path unless given one. */
  export default class CoreStorage {
    /** `readOnly`: takes no lock, so a backup can read a data directory a running app holds. */
    constructor(dir: string, opts?: { writeBufferSize?: number; readOnly?: boolean })
    ready(): Promise<void>
    close(): Promise<void>
    /** The Corestore's primary key, null in an empty storage. */
    getSeed(): Promise<Buffer | null>
    /** What is stored of one core (null: nothing): its manifest and its length. */
    getInfo(discoveryKey: Buffer): Promise<{ auth: { manifest: unknown } | null; head: { length: number } | null } | null>
  }
}

declare module 'hyperdrive' {
  import type Corestore from 'corestore'
  import type { Readable, Writable } from 'node:stream'

  export interface BlobPointer {
    blockOffset: number
    blockLength: number
    byteOffset: number
    byteLength: number
  }
  export interface DriveEntryValue {
    executable: boolean
    linkname: string | null
    blob: BlobPointer | null
    metadata: unknown
  }
  export interface DriveEntry {
    seq: number
    key: string
    value: DriveEntryValue
  }
  /** What hypercore knows of one connected peer of a core (lib/replicator.js `Peer`). */
  export interface HypercorePeer {
    /** The connection's remote key: the same peer on every core the connection replicates. */
    remotePublicKey: Buffer
    /** The peer holds every block below this index (its announced ranges and bitfield). */
    remoteContiguousLength: number
    remoteLength: number
    remoteFork: number
    /** The peer has told us its length at least once on this connection. */
    remoteSynced: boolean
    /** The connection (Hyperswarm's NoiseSecretStream) this core is replicated over. */
    stream: import('hyperswarm').SwarmConnection
  }
  export interface HypercoreLike {
    key: Buffer
    discoveryKey: Buffer
    findingPeers(): () => void
    length: number
    fork: number
    /** Bytes of all blocks (held or not). */
    byteLength: number
    /** Blocks held locally from 0 without a gap. */
    contiguousLength: number
    peers: HypercorePeer[]
    has(start: number, end?: number): Promise<boolean>
    clear(start: number, end?: number): Promise<void>
    download(range?: { start?: number; end?: number; blocks?: number[] }): { done(): Promise<void>; destroy(): void }
    /** Asks peers for the latest length; with wait, resolves once one answered (true if it grew). `force`: a writable core asks too. */
    update(opts?: { wait?: boolean; force?: boolean }): Promise<boolean>
    /**
     * 'remote-contiguous-length': the longest run from block 0 that any peer has said it holds
     * grew (it does not fire for a second peer reaching the same length).
     */
    on(event: 'append' | 'truncate' | 'peer-add' | 'peer-remove' | 'remote-contiguous-length', listener: (...args: unknown[]) => void): this
    on(event: 'download', listener: (index: number, bytes: number) => void): this
    off(event: string, listener: (...args: unknown[]) => void): this
    ready(): Promise<void>
    close(): Promise<void>
    get(index: number, opts?: { wait?: boolean; timeout?: number }): Promise<Buffer | null>
    /** Bytes in front of each stored block for its encryption (0 without an `encryptionKey`). */
    padding: number
    append(blocks: Buffer | Buffer[]): Promise<{ length: number; byteLength: number }>
    /**
     * `encodeBatch`: turns the blocks given to `append` into the buffers stored, padding included
     * (instead of Hypercore's `_encode`, which copies each block into a new padded buffer).
     */
    session(opts?: { encodeBatch?: (blocks: Buffer[]) => Buffer[] }): HypercoreLike
    registerExtension(name: string, handlers: { encoding?: unknown; onmessage?: (message: Buffer, peer: unknown) => void }): unknown
  }
  export interface HyperdriveOptions {
    /** Hyperbee's cache-warming extension (on unless false): it sends paths to peers in plain text. */
    extension?: boolean
    /** Encrypts both cores' blocks; needed at every open of a private drive. */
    encryptionKey?: Buffer | null
  }
  export interface HistoryNode {
    type: 'put' | 'del'
    seq: number
    key: string
    value: DriveEntryValue | null
  }
  export interface HyperbeeLike {
    version: number
    createHistoryStream(opts?: Record<string, unknown>): AsyncIterable<HistoryNode>
  }
  export interface Hyperblobs {
    core: HypercoreLike
    /** Stores `blob` as consecutive blocks of `blockSize`; resolves once they are appended. */
    put(blob: Buffer, opts?: { blockSize?: number }): Promise<BlobPointer>
  }
  export default class Hyperdrive {
    constructor(store: Corestore, opts?: HyperdriveOptions)
    constructor(store: Corestore, key: Buffer | null, opts?: HyperdriveOptions)
    /** The audio (blobs) core's key, from the index core's manifest: no block is decrypted. */
    static getContentKey(core: HypercoreLike): Buffer
    static getContentKey(manifest: unknown, key: Buffer): Buffer | null
    readonly id: string
    readonly key: Buffer
    readonly discoveryKey: Buffer
    readonly version: number
    readonly writable: boolean
    /** A private drive's read key, as given at its open (null: public). */
    readonly encryptionKey: Buffer | null
    readonly core: HypercoreLike
    readonly db: HyperbeeLike
    readonly blobs: { core: HypercoreLike } | null
    ready(): Promise<void>
    close(): Promise<void>
    update(opts?: { wait?: boolean }): Promise<boolean>
    findingPeers(): () => void
    checkout(version: number): Hyperdrive
    getBlobs(): Promise<Hyperblobs>
    entry(path: string, opts?: Record<string, unknown>): Promise<DriveEntry | null>
    get(path: string, opts?: Record<string, unknown>): Promise<Buffer | null>
    put(path: string, data: Buffer | Uint8Array | string, opts?: { metadata?: unknown }): Promise<void>
    putEntry(path: string, value: Partial<DriveEntryValue>): Promise<void>
    del(path: string): Promise<void>
    list(folder: string, opts?: { recursive?: boolean; timeout?: number }): AsyncIterable<DriveEntry>
    /** Entries that differ between this drive (left) and its version `length` (right). */
    diff(length: number, folder?: string, opts?: { timeout?: number }): AsyncIterable<{ left: DriveEntry | null; right: DriveEntry | null }>
    createReadStream(path: string, opts?: { start?: number; end?: number; length?: number; timeout?: number }): Readable
    createWriteStream(path: string, opts?: { metadata?: unknown }): Writable
    download(folder?: string): { done(): Promise<void>; destroy(): void }
  }
}

declare module 'hyperdht' {
  export interface HyperDHTOptions {
    bootstrap?: Array<string | { host: string; port: number }>
    host?: string
    firewalled?: boolean
  }
  export default class HyperDHT {
    constructor(opts?: HyperDHTOptions)
    /** The first bootstrap query has finished (whether or not any node answered). */
    readonly bootstrapped: boolean
    /** dht-rpc's health check: false once requests go unanswered. */
    readonly online: boolean
    /** Others cannot reach this computer's port unasked (until a DHT node's probe proves otherwise). */
    readonly firewalled: boolean
    /** This computer's address as DHT nodes see it (the NAT's sampled answer); null until one answered. */
    readonly host: string | null
    /** The port DHT nodes see; 0 when it differs per destination (a random NAT) or is unknown. */
    readonly port: number
    /** Nodes agree on the host but not the port: the NAT picks a new port per destination. */
    readonly randomized: boolean
    /** The sockets dht-rpc binds (internal, read only to tell which socket a connection runs on). */
    readonly io: { serverSocket: unknown; clientSocket: unknown }
    ready(): Promise<void>
    destroy(opts?: { force?: boolean }): Promise<void>
  }
}

declare module 'hyperdht/testnet.js' {
  import type HyperDHT from 'hyperdht'
  export interface Testnet {
    nodes: HyperDHT[]
    bootstrap: Array<{ host: string; port: number }>
    destroy(): Promise<void>
  }
  export default function createTestnet(size?: number, opts?: { host?: string; teardown?: unknown }): Promise<Testnet>
}

declare module 'hyperswarm' {
  import type { EventEmitter } from 'node:events'
  import type { Duplex } from 'node:stream'
  import type HyperDHT from 'hyperdht'
  /** udx-native's stream under a connection: the UDP path and its counters. */
  export interface UdxStreamLike {
    /** The UDP socket it runs on (null before it connected). */
    readonly socket: unknown
    readonly remoteHost: string | null
    readonly remotePort: number
    readonly bytesTransmitted: number
    readonly bytesReceived: number
    /** Smoothed round-trip time, ms. */
    readonly rtt: number
  }
  /** A Hyperswarm connection: @hyperswarm/secret-stream's NoiseSecretStream. */
  export interface SwarmConnection extends Duplex {
    readonly isInitiator: boolean
    readonly remotePublicKey: Buffer
    readonly rawStream: UdxStreamLike | null
  }
  export interface PeerDiscovery {
    flushed(): Promise<void>
    destroy(): Promise<void>
  }
  export default class Hyperswarm extends EventEmitter {
    constructor(opts?: { dht?: HyperDHT })
    readonly connections: Set<SwarmConnection>
    readonly destroyed: boolean
    join(topic: Buffer, opts?: { server?: boolean; client?: boolean }): PeerDiscovery
    leave(topic: Buffer): Promise<void>
    flush(): Promise<void>
    clear(): Promise<void>
    destroy(opts?: { force?: boolean }): Promise<void>
  }
}

declare module 'sub-encoder' {
  export default class SubEncoder {
    constructor(prefix?: string, encoding?: string)
  }
}

declare module 'hypercore-id-encoding' {
  export function decode(id: string | Buffer): Buffer
  export function encode(key: Buffer): string
  export function normalize(id: string | Buffer): string
}

declare module 'mirror-drive' {
  import type Hyperdrive from 'hyperdrive'
  export default class MirrorDrive {
    constructor(source: Hyperdrive, target: Hyperdrive, opts?: { prefix?: string | string[]; prune?: boolean; filter?: (key: string) => boolean })
    readonly count: { files: number; add: number; remove: number; change: number }
    done(): Promise<void>
  }
}

declare module 'hyperbee' {
  import type { HypercoreLike } from 'hyperdrive'
  export default class Hyperbee {
    /** Whether the core's first block is a Hyperbee header: false for an encrypted core read without its key. */
    static isHyperbee(core: HypercoreLike, opts?: { wait?: boolean; timeout?: number }): Promise<boolean>
  }
}
