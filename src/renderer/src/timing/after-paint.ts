/** A hidden window paints no frames; work waiting on one goes ahead after this long anyway. */
const HIDDEN_WINDOW_WAIT_MS = 250

/**
 * Resolves once the browser has painted what is on screen now (the frame after the next
 * animation frame has begun), or after a short wait in a window that paints nothing.
 * For work that is wanted soon but not before the view it follows is visible: on a machine with
 * few cores, asking the services for it earlier delays that first frame.
 */
export function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    // Without frames at all (the stores run under Node in tests) there is nothing to wait for.
    if (typeof requestAnimationFrame !== 'function') return void setTimeout(resolve, 0)
    const fallback = setTimeout(resolve, HIDDEN_WINDOW_WAIT_MS)
    requestAnimationFrame(() => {
      // The frame is painted once this task ends; a task queued now runs after it.
      setTimeout(() => {
        clearTimeout(fallback)
        resolve()
      }, 0)
    })
  })
}
