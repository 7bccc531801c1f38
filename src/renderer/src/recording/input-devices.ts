/** Microphones, and the one the person chose last time (kept in this browser's storage). */

export interface InputDevice {
  deviceId: string
  label: string
}

const CHOSEN_KEY = 'voice-journal.microphone'

/**
 * The audio inputs. Browsers give labels only once the page may use the microphone; until then
 * the inputs are numbered. The "default" pseudo-device is listed as such.
 */
export async function listInputDevices(): Promise<InputDevice[]> {
  const devices = await navigator.mediaDevices.enumerateDevices()
  const inputs = devices.filter((device) => device.kind === 'audioinput' && device.deviceId !== '')
  return inputs.map((device, index) => ({
    deviceId: device.deviceId,
    label: device.label || (device.deviceId === 'default' ? 'System default microphone' : `Microphone ${index + 1}`)
  }))
}

export function rememberedInput(): string | null {
  try {
    return localStorage.getItem(CHOSEN_KEY)
  } catch {
    return null
  }
}

export function rememberInput(deviceId: string): void {
  try {
    localStorage.setItem(CHOSEN_KEY, deviceId)
  } catch {
    // Storage can be off (private mode): the choice then lasts for this window only.
  }
}
