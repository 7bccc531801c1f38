/**
 * Saves text as a download. A temporary <a download> works in a browser and in Electron (which
 * turns it into its own save dialog) alike, without a filesystem API in the window.
 */
export function saveTextFile(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // The download reads the blob asynchronously; revoking at once can cut it off in some engines.
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}
