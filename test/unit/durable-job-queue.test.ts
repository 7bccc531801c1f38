import { strict as assert } from 'node:assert'
import { readFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { DurableJobQueue, NotYet, type DurableJobQueueOptions, type QueuedJob } from '../../src/main/intake/durable-job-queue'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'

interface Job {
  id: string
}
/** A job with a field of the run's own, as the transcript queue keeps its checks for the recording. */
interface Item extends QueuedJob<Job> {
  checks?: number
}
type Options = Partial<DurableJobQueueOptions<Job, string, Item>> & Pick<DurableJobQueueOptions<Job, string, Item>, 'run'>

/** An error that trying again cannot fix (as a file that is not audio). */
class Permanent extends Error {}

/** A run held until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

const logLines = (text: string): unknown[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown)

describe('the durable job queue', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function logFile(): Promise<string> {
    const temp = await makeTempDir('job-queue-')
    cleanups.push(temp.cleanup)
    return join(temp.dir, 'queue.log')
  }
  function held(): { promise: Promise<void>; open: () => void } {
    const hold = gate()
    cleanups.push(async () => hold.open())
    return hold
  }
  function make(file: string, options: Options): DurableJobQueue<Job, string, Item> {
    const queue = new DurableJobQueue<Job, string, Item>({ file, name: 'test', keyOf: (job) => job.id, isRetryable: (error) => !(error instanceof Permanent), concurrency: 4, backoffMs: () => 1, ...options })
    cleanups.push(() => queue.stop())
    return queue
  }
  async function start(file: string, options: Options): Promise<DurableJobQueue<Job, string, Item>> {
    const queue = make(file, options)
    await queue.boot()
    return queue
  }

  it('has a job in its log when enqueue resolves, and a new instance on the same file runs it', async () => {
    const file = await logFile()
    const hold = held()
    const first = await start(file, {
      run: async () => {
        await hold.promise
        return 'done'
      }
    })
    assert.equal(await first.enqueue({ id: 'a' }), true)
    assert.deepEqual(logLines(readFileSync(file, 'utf8')), [{ item: { job: { id: 'a' }, attempts: 0, state: 'waiting' } }], 'written before it was acknowledged')
    // The first instance is left as a crash leaves it: its run still in flight, nothing closed.
    const ran: string[] = []
    const second = await start(file, {
      run: async (item) => {
        ran.push(item.job.id)
        return 'done'
      }
    })
    await waitFor(() => !second.has('a'), 'the job ran after the restart')
    assert.deepEqual(ran, ['a'])
  })

  it('refuses a job its log cannot take (not booted yet, or closed) and holds nothing', async () => {
    const queue = make(await logFile(), { run: async () => 'done' })
    await assert.rejects(queue.enqueue({ id: 'a' }), /not booted/)
    assert.equal(queue.has('a'), false)
    await queue.boot()
    await queue.stop()
    // Refused rather than acknowledged unwritten: whoever offered it offers it again.
    await assert.rejects(queue.enqueue({ id: 'b' }))
    assert.deepEqual(queue.snapshot(), [])
  })

  it('queues the same key once while it is pending, and will not retry a job in flight', async () => {
    const hold = held()
    const ran: string[] = []
    const queue = await start(await logFile(), {
      run: async (item) => {
        ran.push(item.job.id)
        await hold.promise
        return 'done'
      }
    })
    assert.equal(await queue.enqueue({ id: 'a' }), true)
    assert.equal(await queue.enqueue({ id: 'a' }), false)
    assert.equal(queue.retry('a'), false, 'in flight')
    assert.equal(queue.retry('unknown'), false)
    hold.open()
    await waitFor(() => !queue.has('a'), 'done')
    assert.deepEqual(ran, ['a'])
  })

  it('after a restart runs again the job that was in flight, never one whose end was recorded', async () => {
    const file = await logFile()
    const hold = held()
    const ran: string[] = []
    const first = await start(file, {
      run: async (item) => {
        ran.push(item.job.id)
        if (item.job.id === 'slow') await hold.promise
        return 'done'
      }
    })
    const done: string[] = []
    first.on('done', (job, result) => done.push(`${job.id}: ${result}`))
    await first.enqueue({ id: 'slow' })
    await first.enqueue({ id: 'quick' })
    await waitFor(() => done.length === 1, 'the quick job is done')
    assert.deepEqual(done, ['quick: done'])
    assert.deepEqual(first.snapshot(), [{ job: { id: 'slow' }, state: 'downloading', attempts: 0 }])
    await first.stop()

    const second = await start(file, {
      run: async (item) => {
        ran.push(item.job.id)
        return 'done'
      }
    })
    assert.equal(second.has('quick'), false, 'finished before the restart')
    await waitFor(() => !second.has('slow'), 'the job in flight ran again')
    assert.deepEqual(ran, ['slow', 'quick', 'slow'])
  })

  it('retries a failure with backoff up to maxAttempts, keeps it failed across a restart, and retry gives it fresh attempts', async () => {
    const file = await logFile()
    let failing = true
    const attempts: number[] = []
    const run = async (item: Item): Promise<string> => {
      item.attempts++
      attempts.push(item.attempts)
      if (failing) throw new Error('HTTP 503')
      return 'done'
    }
    const first = await start(file, { run, maxAttempts: 3 })
    const failed: string[] = []
    first.on('failed', (job, reason) => failed.push(`${job.id}: ${reason}`))
    await first.enqueue({ id: 'a' })
    await waitFor(() => first.snapshot()[0]?.state === 'failed', 'it failed for good')
    assert.deepEqual(attempts, [1, 2, 3])
    assert.deepEqual(failed, ['a: HTTP 503'])
    const failedJob = { job: { id: 'a' }, state: 'failed', attempts: 3, lastError: 'HTTP 503' }
    assert.deepEqual(first.snapshot(), [failedJob])
    await first.stop()

    const second = await start(file, { run, maxAttempts: 3 })
    assert.deepEqual(second.snapshot(), [failedJob], 'still failed after the restart')
    assert.deepEqual(attempts, [1, 2, 3], 'and not tried again on its own')
    failing = false
    assert.equal(second.retry('a', { freshAttempts: true }), true)
    await waitFor(() => !second.has('a'), 'done after Retry')
    assert.deepEqual(attempts, [1, 2, 3, 1])
  })

  it('fails at once on an error that trying again cannot fix; retry goes on counting its attempts', async () => {
    const attempts: number[] = []
    const queue = await start(await logFile(), {
      run: async (item) => {
        item.attempts++
        attempts.push(item.attempts)
        if (attempts.length === 1) throw new Permanent('not audio')
        return 'done'
      }
    })
    const failed: string[] = []
    queue.on('failed', (job, reason) => failed.push(`${job.id}: ${reason}`))
    await queue.enqueue({ id: 'a' })
    await waitFor(() => queue.snapshot()[0]?.state === 'failed', 'failed')
    assert.deepEqual(queue.snapshot(), [{ job: { id: 'a' }, state: 'failed', attempts: 1, lastError: 'not audio' }])
    assert.deepEqual(failed, ['a: not audio'])
    assert.equal(queue.retry('a'), true)
    await waitFor(() => !queue.has('a'), 'done after Retry')
    assert.deepEqual(attempts, [1, 2])
  })

  it('lets a run wait without failing (NotYet), keeps the run’s own fields across a restart, and retry wakes it', async () => {
    const file = await logFile()
    let ready = false
    const run = async (item: Item): Promise<string | NotYet> => {
      if (ready) return 'done'
      item.checks = (item.checks ?? 0) + 1
      return new NotYet(60_000, 'waiting for something')
    }
    const first = await start(file, { run })
    const failed: string[] = []
    first.on('failed', (job) => failed.push(job.id))
    await first.enqueue({ id: 'a' })
    await waitFor(() => first.snapshot()[0]?.state === 'retrying', 'it waits')
    const [waiting] = first.snapshot()
    assert.equal(waiting!.lastError, 'waiting for something')
    assert.equal(waiting!.attempts, 0)
    assert.ok(waiting!.nextAttemptAt! > Date.now() + 30_000, 'due after the delay it asked for')
    assert.equal(first.get('a')!.checks, 1)
    await first.stop()
    assert.deepEqual(failed, [], 'waiting is not failing')

    const second = await start(file, { run })
    await waitFor(() => second.snapshot()[0]?.state === 'retrying', 'run again at the start, and waiting again')
    assert.equal(second.get('a')!.checks, 2, 'its own field came back from the log')
    ready = true
    assert.equal(second.retry('a'), true)
    await waitFor(() => !second.has('a'), 'done once woken')
  })

  it('runs at most `concurrency` jobs at once, the rest in the order they came', async () => {
    const hold = held()
    let running = 0
    let most = 0
    const queue = await start(await logFile(), {
      concurrency: 2,
      run: async () => {
        running++
        most = Math.max(most, running)
        await hold.promise
        running--
        return 'done'
      }
    })
    for (const id of ['a', 'b', 'c', 'd', 'e']) await queue.enqueue({ id })
    assert.deepEqual(
      queue.snapshot().map((job) => `${job.job.id} ${job.state}`),
      ['a downloading', 'b downloading', 'c waiting', 'd waiting', 'e waiting']
    )
    hold.open()
    await waitFor(() => queue.snapshot().length === 0, 'all done')
    assert.equal(most, 2)
  })

  it('starts a job just queued when startQueued says so', async () => {
    const starts: Array<() => void> = []
    const ran: string[] = []
    const queue = await start(await logFile(), {
      run: async (item) => {
        ran.push(item.job.id)
        return 'done'
      },
      startQueued: (begin) => starts.push(begin)
    })
    await queue.enqueue({ id: 'a' })
    assert.deepEqual(ran, [])
    assert.equal(queue.snapshot()[0]!.state, 'waiting')
    assert.equal(starts.length, 1)
    starts[0]!()
    await waitFor(() => !queue.has('a'), 'done once started')
    assert.deepEqual(ran, ['a'])
  })

  it('reads the log existing data directories hold, compacts it to the jobs still pending, and records an end as before', async () => {
    const file = await logFile()
    await writeFile(
      file,
      [
        '{"item":{"job":{"id":"finished"},"attempts":0,"state":"waiting"}}',
        '{"item":{"job":{"id":"gave-up"},"attempts":8,"state":"failed","lastError":"HTTP 404"}}',
        '{"item":{"job":{"id":"was-retrying"},"attempts":2,"state":"retrying","lastError":"HTTP 503","nextAttemptAt":123}}',
        '{"done":"finished"}',
        // A line cut off by a crash.
        '{"item":{"job":{"id":"cut'
      ].join('\n')
    )
    const hold = held()
    const ran: string[] = []
    const queue = await start(file, {
      run: async (item) => {
        ran.push(item.job.id)
        await hold.promise
        return 'done'
      }
    })
    const done: string[] = []
    queue.on('done', (job) => done.push(job.id))
    assert.equal(queue.has('finished'), false)
    assert.deepEqual(ran, ['was-retrying'], 'a job in flight or waiting is taken up again; a failed one waits for Retry')
    assert.deepEqual(queue.snapshot(), [
      { job: { id: 'gave-up' }, state: 'failed', attempts: 8, lastError: 'HTTP 404' },
      { job: { id: 'was-retrying' }, state: 'downloading', attempts: 2, lastError: 'HTTP 503' }
    ])
    assert.deepEqual(logLines(await readFile(file, 'utf8')), [
      { item: { job: { id: 'gave-up' }, attempts: 8, state: 'failed', lastError: 'HTTP 404' } },
      { item: { job: { id: 'was-retrying' }, attempts: 2, state: 'waiting', lastError: 'HTTP 503', nextAttemptAt: 123 } }
    ])
    hold.open()
    // 'done' comes once the end is in the log.
    await waitFor(() => done.length === 1, 'done')
    assert.deepEqual(logLines(await readFile(file, 'utf8')).at(-1), { done: 'was-retrying' })
  })
})
