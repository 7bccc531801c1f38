#!/usr/bin/env node
// The `vonage-sim` command. The package ships TypeScript sources, not a build: tsx compiles them as
// they load, so the command works straight after `npm ci` with no build or install script.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/simulate-call.ts')
