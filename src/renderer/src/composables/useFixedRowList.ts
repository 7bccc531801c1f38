import { useVirtualizer } from '@tanstack/vue-virtual'
import { computed, type ComputedRef, type Ref } from 'vue'

export interface VisibleRow<T> {
  key: string
  index: number
  /** Offset from the top of the list, in pixels. */
  start: number
  item: T
}

/**
 * A virtualised list of fixed-height rows: only the rows on screen (plus `overscan`) are
 * rendered, so ten thousand items cost what twenty do. A row's height may depend on its kind
 * (`rowHeight` as a function), but is known without measuring it.
 */
export function useFixedRowList<T>(options: {
  items: Ref<readonly T[]> | ComputedRef<readonly T[]>
  keyOf: (item: T) => string
  scrollElement: Ref<HTMLElement | null>
  rowHeight: number | ((item: T) => number)
  overscan: number
}) {
  const { items, keyOf, scrollElement, rowHeight, overscan } = options
  const virtualizer = useVirtualizer(
    computed(() => ({
      count: items.value.length,
      getScrollElement: () => scrollElement.value,
      estimateSize: typeof rowHeight === 'number' ? () => rowHeight : (index: number) => rowHeight(items.value[index]!),
      getItemKey: (index: number) => {
        const item = items.value[index]
        return item === undefined ? index : keyOf(item)
      },
      overscan
    }))
  )
  const rows = computed<VisibleRow<T>[]>(() =>
    virtualizer.value.getVirtualItems().flatMap((virtual) => {
      const item = items.value[virtual.index]
      return item === undefined ? [] : [{ key: keyOf(item), index: virtual.index, start: virtual.start, item }]
    })
  )
  const totalHeight = computed(() => virtualizer.value.getTotalSize())
  return { virtualizer, rows, totalHeight }
}
