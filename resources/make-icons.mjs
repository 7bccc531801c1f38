// Draws the app and tray icons as PNG files with nothing but Node (zlib for the PNG chunks), so
// they can be remade anywhere: `node resources/make-icons.mjs`. The picture is five rounded
// bars of a voice's sound wave. electron-builder turns icon.png into .icns and .ico itself.
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const here = dirname(fileURLToPath(import.meta.url))

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(bytes) {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}
/** RGBA pixels (Float64, 0–1, premultiplied-free) → PNG file bytes. */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0 // no filter
    for (let i = 0; i < size * 4; i++) raw[y * (size * 4 + 1) + 1 + i] = Math.round(Math.min(1, Math.max(0, rgba[y * size * 4 + i])) * 255)
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}

/** Signed distance to a rounded rectangle centred at (cx, cy) with half-sizes (hw, hh). */
function roundedRect(x, y, cx, cy, hw, hh, r) {
  const qx = Math.abs(x - cx) - hw + r
  const qy = Math.abs(y - cy) - hh + r
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r
}

/** Bar heights, as fractions of the glyph's height: a short phrase of speech. */
const BARS = [0.36, 0.72, 1, 0.58, 0.3]

/** The sound-wave glyph in a unit square (0–1): distance < 0 inside. */
function glyph(x, y, box) {
  const barWidth = box.width / (BARS.length * 2 - 1)
  let d = Infinity
  BARS.forEach((height, i) => {
    const cx = box.left + barWidth * (2 * i + 0.5)
    d = Math.min(d, roundedRect(x, y, cx, 0.5, barWidth / 2, (box.height * height) / 2, barWidth / 2))
  })
  return d
}

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t)
const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255)
const TOP = hex('#6366f1')
const BOTTOM = hex('#0f766e')
const WHITE = [1, 1, 1]

/**
 * Renders `paint(x, y)` → [r, g, b, a] (coordinates 0–1) with 4×4 supersampling, so edges are
 * smooth at 16 px as well as at 1024 px.
 */
function render(size, paint) {
  const rgba = new Float64Array(size * size * 4)
  const n = 4
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [cr, cg, cb, ca] = paint((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size)
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca
        }
      }
      const o = (py * size + px) * 4
      rgba[o + 3] = a / (n * n)
      if (a > 0) { rgba[o] = r / a; rgba[o + 1] = g / a; rgba[o + 2] = b / a }
    }
  }
  return rgba
}

/** The app icon: white bars on a rounded, gradient square (macOS-style margin around it). */
function appIcon(x, y) {
  const margin = 0.1
  if (roundedRect(x, y, 0.5, 0.5, 0.5 - margin, 0.5 - margin, 0.18) > 0) return [0, 0, 0, 0]
  const base = mix(TOP, BOTTOM, (y - margin) / (1 - 2 * margin))
  if (glyph(x, y, { left: 0.25, width: 0.5, height: 0.5 }) < 0) return [...WHITE, 1]
  return [...base, 1]
}

/** Tray icon for Windows and Linux: the same square, edge to edge, bars drawn bolder. */
function trayIcon(x, y) {
  if (roundedRect(x, y, 0.5, 0.5, 0.5, 0.5, 0.22) > 0) return [0, 0, 0, 0]
  if (glyph(x, y, { left: 0.16, width: 0.68, height: 0.66 }) < 0) return [...WHITE, 1]
  return [...mix(TOP, BOTTOM, y), 1]
}

/** macOS menu-bar template: black bars on transparent; the system tints them for light and dark bars. */
function trayTemplate(x, y) {
  return glyph(x, y, { left: 0.1, width: 0.8, height: 0.8 }) < 0 ? [0, 0, 0, 1] : [0, 0, 0, 0]
}

const outputs = [
  ['icon.png', 1024, appIcon],
  ['tray/tray.png', 16, trayIcon],
  ['tray/tray@2x.png', 32, trayIcon],
  ['tray/trayTemplate.png', 16, trayTemplate],
  ['tray/trayTemplate@2x.png', 32, trayTemplate]
]
for (const [name, size, paint] of outputs) {
  writeFileSync(join(here, name), encodePng(size, render(size, paint)))
  console.log(`${name}: ${size}×${size}`)
}
