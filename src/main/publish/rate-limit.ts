import type { MiddlewareHandler } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'

export interface RateLimitOptions {
  /** Requests one address may make at once before it has to wait. */
  burst: number
  /** Requests per second it earns back. */
  perSecond: number
  /** Addresses remembered at most; a full bucket is forgotten first (it is the same as a new one). */
  maxAddresses?: number
}

interface Bucket {
  tokens: number
  at: number
}

/**
 * A token bucket per remote address, answering 429 with Retry-After once an address has spent
 * its burst. Written here rather than taken from npm (hono-rate-limiter): it is a dozen lines,
 * needs the socket's address, which that package leaves the caller to find, and has nothing to
 * store beyond this process. Behind a reverse proxy every listener shares the proxy's address:
 * limit there instead.
 */
export function rateLimit({ burst, perSecond, maxAddresses = 10_000 }: RateLimitOptions): MiddlewareHandler {
  const buckets = new Map<string, Bucket>()
  const refill = (bucket: Bucket, now: number): void => {
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond)
    bucket.at = now
  }
  return async (c, next) => {
    const address = getConnInfo(c).remote.address ?? 'unknown'
    const now = performance.now()
    let bucket = buckets.get(address)
    if (!bucket) {
      if (buckets.size >= maxAddresses) forgetFull(buckets, now, refill, burst, maxAddresses)
      bucket = { tokens: burst, at: now }
      buckets.set(address, bucket)
    }
    refill(bucket, now)
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond))
      return c.text('Too many requests', 429, { 'Retry-After': String(retryAfter) })
    }
    bucket.tokens -= 1
    await next()
  }
}

/** Drops the buckets that have filled up again; if none has, the oldest one (a flood of addresses must not grow the map without end). */
function forgetFull(buckets: Map<string, Bucket>, now: number, refill: (bucket: Bucket, now: number) => void, burst: number, maxAddresses: number): void {
  for (const [address, bucket] of buckets) {
    refill(bucket, now)
    if (bucket.tokens >= burst) buckets.delete(address)
  }
  if (buckets.size >= maxAddresses) buckets.delete(buckets.keys().next().value!)
}
