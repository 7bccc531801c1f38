import { teamEventText } from './event-text'
import type { TeamEvent } from './team-event'

/** What a Slack incoming webhook takes: `text` (also the notification's fallback) and Block Kit blocks. */
export interface SlackMessage {
  text: string
  blocks?: Array<Record<string, unknown>>
}

/**
 * The event as a Slack message: its line in bold-capable mrkdwn, and under it when it happened in
 * each reader's own time zone (Slack's <!date^…> token; the fallback after | is UTC).
 */
export function slackMessage(event: TeamEvent): SlackMessage {
  const text = teamEventText(event, 'slack')
  const seconds = Math.floor(event.at / 1000)
  const fallback = new Date(event.at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC'
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<!date^${seconds}^{date_short_pretty} at {time}|${fallback}>` }] }
    ]
  }
}
