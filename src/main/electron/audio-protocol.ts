import type { Protocol } from 'electron'
import { AUDIO_SCHEME, parseAudioResourcePath } from '#shared/bridge'
import type { AppServices } from '../app/app-services'
import { respondWithAudio } from '../http/audio-response'

/** Privileges for the audio scheme; must be registered before `app` is ready. */
export const AUDIO_SCHEME_PRIVILEGES = {
  scheme: AUDIO_SCHEME,
  // stream: true lets <audio> play while bytes arrive; Range is answered by respondWithAudio
  // itself, because net.fetch passthrough has broken seeking in several Electron releases.
  privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true }
}

/** `journal-audio://<journal key>/recordings/…?version=N` → the same range handler the headless host uses. */
export function handleAudioProtocol(protocol: Protocol, services: AppServices): void {
  protocol.handle(AUDIO_SCHEME, (request) => {
    const url = new URL(request.url)
    const resource = parseAudioResourcePath(`/${url.hostname}${url.pathname}`)
    return respondWithAudio(request, resource && services.library.find(resource.journal), resource?.path ?? '')
  })
}
