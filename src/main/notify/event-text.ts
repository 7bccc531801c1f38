import type { TeamEvent } from './team-event'

/**
 * How an event reads to people: one short line. `slack` marks names in bold with Slack's *…* and
 * escapes what Slack would read as markup; `plain` is the same words for the window and for
 * receivers that show text as it is.
 */
export function teamEventText(event: TeamEvent, style: 'slack' | 'plain'): string {
  const name = (text: string): string => (style === 'slack' ? `*${escapeSlack(text)}*` : text)
  const free = (text: string): string => (style === 'slack' ? escapeSlack(text) : text)
  switch (event.type) {
    case 'call-started':
      return `📞 Hotline ${name(event.hotline)}: a call started${event.callerNumber ? ` from ${free(event.callerNumber)}` : ''}`
    case 'call-answered':
      return `✅ Hotline ${name(event.hotline)}: ${free(event.staffName)} answered after ${duration(event.waitedMs)}`
    case 'call-missed':
      if (event.outcome === 'abandoned') return `❌ Hotline ${name(event.hotline)}: missed call, the caller hung up after waiting ${duration(event.waitedMs)}`
      if (event.outcome === 'unanswered') return `❌ Hotline ${name(event.hotline)}: missed call, nobody answered within ${duration(event.waitedMs)}`
      return `❌ Hotline ${name(event.hotline)}: missed call, nobody answered within ${duration(event.waitedMs)}, so the caller could leave a message`
    case 'entry-added':
      return `🎙️ New entry in ${name(event.journal)}: ${free(event.title)}`
    case 'download-failed':
      return `⚠️ A recording could not be downloaded: ${free(event.reason)}`
    case 'test':
      return '👋 Test message from Voice Journal: messages reach you here.'
  }
}

/** 12 400 → "12 s", 125 000 → "2 min 5 s". */
export function duration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000))
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  if (minutes === 0) return `${seconds} s`
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`
}

/** Slack reads &, < and > as markup (links, mentions); these three are all it asks to escape. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
