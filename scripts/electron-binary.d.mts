export function electronPackageDir(): string
export function findElectronBinary(env?: NodeJS.ProcessEnv): { binary: string; reason?: undefined } | { binary: null; reason: string }
