import { onScopeDispose, ref, type Ref } from 'vue'

/** Copies text and flips `copied` for a moment, so the button can say "Copied". */
export function useClipboard(resetMs = 1600): { copied: Ref<boolean>; copy: (text: string) => Promise<void> } {
  const copied = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined

  async function copy(text: string): Promise<void> {
    if (navigator.clipboard) await navigator.clipboard.writeText(text)
    else copyWithSelection(text)
    copied.value = true
    clearTimeout(timer)
    timer = setTimeout(() => (copied.value = false), resetMs)
  }

  onScopeDispose(() => clearTimeout(timer))
  return { copied, copy }
}

/** Pages served over plain http from a non-local host have no Clipboard API. */
function copyWithSelection(text: string): void {
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.append(area)
  area.select()
  const ok = document.execCommand('copy')
  area.remove()
  if (!ok) throw new Error('The clipboard is not available.')
}
