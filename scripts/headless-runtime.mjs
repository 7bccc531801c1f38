// How the headless host's Node process is started, in one place for `npm run serve`, `npm start`'s
// browser fallback, the tests and the benches, so what is measured is what people run.
//
// Both settings bound memory that grows with the bytes a process moves, not with what it keeps.
// Measured with `npm run bench:intake` (one 60 s and one 840 s call pushed at full speed): without
// them the long call peaked at 167-174 MB against 135-142 MB for the short one; with them, 117 vs
// 119 MB.
//  - V8 grows its young generation up to 3 × 16 MB when a process allocates fast (a call pushed
//    at 300× real time); 2 MB semi-spaces keep it small at the cost of more, cheaper scavenges.
//    A V8 flag takes effect only on the command line: set at run time it does nothing.
//  - glibc gives each thread that allocates its own arena and keeps what is freed there. RocksDB's
//    writes and flushes run on several threads (the libuv pool, its own background threads), so
//    every memtable it fills and frees stays resident once per thread: 27 MB of audio added to a
//    bare Corestore left +20 MB whatever the memtable size; with one arena, +13 MB at 4 MiB
//    memtables. glibc reads this only at process start. Other C libraries ignore it.
// Electron's main process takes neither from inside the app (V8 flags for it must be on its
// command line), so the desktop app runs with V8's and its allocator's defaults.

/** Node's own arguments, before the entry script. */
export const HEADLESS_NODE_ARGS = ['--max-semi-space-size=2']

/** The environment the host runs with: the caller's, with the allocator setting unless already set. */
export function headlessEnvironment(env = process.env) {
  return { MALLOC_ARENA_MAX: '1', ...env }
}
