/** Node's own arguments for the headless host, before the entry script (see headless-runtime.mjs). */
export const HEADLESS_NODE_ARGS: string[]
/** The environment the headless host runs with (see headless-runtime.mjs). */
export function headlessEnvironment(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv
