/**
 * Runs tasks one after another. Journal writes go through one queue: Hyperdrive appends each
 * file's blocks to a single blob core, and two interleaved write streams must not share it.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task)
    // The caller gets the failure through `result`; the queue itself carries on with the next task.
    this.tail = result.catch(() => undefined)
    return result
  }
}
