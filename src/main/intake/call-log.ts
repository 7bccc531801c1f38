import type { CallDto, HotlineOutcome } from '#shared/intake'
import type { HOTLINE_NO_ANSWER } from '#shared/settings-schema'
import { DurableLog } from './durable-log'
import type { CallEvent } from './webhook-payloads'

/** One line of the log file: a call event as Vonage sent it, or the entry a call produced. */
type LogLine =
  | { kind: 'event'; uuid: string; conversationUuid?: string; from?: string; to?: string; direction?: string; status: string; at: number; duration?: number }
  | { kind: 'entry'; uuid?: string; conversationUuid?: string; entryPath: string }
  // Hotline mode, keyed by the caller's leg: the call was taken, a staff phone did something, the caller's outcome.
  // The optional fields rebuild a call still waiting after a restart (lines written before that lack them):
  // the opaque id its staff webhooks name, its ring time and what happens if nobody answers, where
  // Vonage reached the app; each staff leg's place in the list and uuid (to hang it up).
  | { kind: 'hotline'; uuid: string; name: string; staff: string[]; at: number; callId?: string; ringSeconds?: number; noAnswer?: (typeof HOTLINE_NO_ANSWER)[number]; publicBase?: string }
  | { kind: 'staff'; uuid: string; name: string; status: string; at: number; conversationUuid?: string; index?: number; legUuid?: string }
  // No waitedMs: a call closed at a restart, long after, whose caller's wait is not known.
  | { kind: 'outcome'; uuid: string; outcome: HotlineOutcome; waitedMs?: number; answeredBy?: string; at: number }

/** The hotline's lines, as the hotline writes them. */
export type HotlineLine = Extract<LogLine, { kind: 'hotline' | 'staff' | 'outcome' }>

/** A hotline call that started and has no outcome: its own lines in order, and the call as the log holds it. */
export interface UnfinishedHotlineCall {
  lines: HotlineLine[]
  call: CallDto
}

/**
 * The private call log: who called and what happened, kept only on this machine (it holds phone
 * numbers, so it never goes near a journal). An append-only, group-committed log: a crash can
 * cut only the last line, which loading skips. Vonage retries events, so duplicates are dropped.
 */
export class CallLog {
  private readonly calls = new Map<string, CallDto>()
  private readonly seen = new Set<string>()
  private readonly byConversation = new Map<string, string>()
  private readonly pendingEntries = new Map<string, string>()
  /** The lines of hotline calls without an outcome yet, by caller leg: only these are kept. */
  private readonly unfinished = new Map<string, HotlineLine[]>()
  private constructor(private readonly file: DurableLog<LogLine>) {}

  static async open(file: string): Promise<CallLog> {
    const { log, records } = await DurableLog.open<LogLine>(file)
    const callLog = new CallLog(log)
    for (const record of records) callLog.apply(record)
    return callLog
  }

  /** Records a call event; returns false for a duplicate delivery. */
  async recordEvent(event: CallEvent): Promise<boolean> {
    const at = Date.parse(event.timestamp ?? '') || Date.now()
    const duration = event.duration === undefined ? undefined : Number(event.duration)
    const line: LogLine = {
      kind: 'event',
      uuid: event.uuid,
      status: event.status,
      at,
      ...(event.conversation_uuid ? { conversationUuid: event.conversation_uuid } : {}),
      ...(event.from ? { from: event.from } : {}),
      ...(event.to ? { to: event.to } : {}),
      ...(event.direction ? { direction: event.direction } : {}),
      ...(duration !== undefined && Number.isFinite(duration) ? { duration } : {})
    }
    if (this.seen.has(eventKey(line))) return false
    this.apply(line)
    await this.append(line)
    return true
  }

  /** Links the entry a call produced (by call uuid in stream mode, conversation in record mode). */
  async linkEntry(link: { uuid?: string; conversationUuid?: string; entryPath: string }): Promise<void> {
    const line: LogLine = { kind: 'entry', ...link }
    this.apply(line)
    await this.append(line)
  }

  /**
   * Writes a hotline line: the ledger of who was rung, who answered and how the call ended. A staff
   * leg's conversation is the caller's, so the conversation's recording finds the call by it.
   */
  async recordHotline(line: HotlineLine): Promise<void> {
    this.apply(line)
    await this.append(line)
  }

  /** Hotline calls that started and have no outcome: after a restart, the calls still in progress (or cut off). */
  unfinishedHotlineCalls(): UnfinishedHotlineCall[] {
    return [...this.unfinished].map(([uuid, lines]) => ({ lines: [...lines], call: this.calls.get(uuid)! }))
  }

  get size(): number {
    return this.calls.size
  }

  list(): CallDto[] {
    return [...this.calls.values()].sort((a, b) => b.startedAt - a.startedAt)
  }

  /** CSV for spreadsheets: one row per call, statuses in order. */
  toCsv(): string {
    const header = ['call_uuid', 'conversation_uuid', 'from', 'to', 'direction', 'started_at', 'duration_seconds', 'statuses', 'entry_path', 'hotline', 'outcome', 'answered_by', 'waited_seconds', 'staff_rung']
    const rows = this.list().map((call) => [
      call.uuid,
      call.conversationUuid ?? '',
      call.from ?? '',
      call.to ?? '',
      call.direction ?? '',
      new Date(call.startedAt).toISOString(),
      call.durationSeconds === undefined ? '' : String(call.durationSeconds),
      call.statuses.map((s) => s.status).join(' > '),
      call.entryPath ?? '',
      call.hotline?.name ?? '',
      call.hotline?.outcome ?? '',
      call.hotline?.answeredBy ?? '',
      call.hotline?.waitedMs === undefined ? '' : (call.hotline.waitedMs / 1000).toFixed(1),
      call.hotline?.rung.map((staff) => `${staff.name}: ${staff.status}`).join('; ') ?? ''
    ])
    return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
  }

  async close(): Promise<void> {
    await this.file.close()
  }

  private apply(line: LogLine): void {
    if (line.kind === 'hotline' || line.kind === 'staff' || line.kind === 'outcome') return this.applyHotline(line)
    if (line.kind === 'entry') {
      const uuid = line.uuid ?? (line.conversationUuid ? this.byConversation.get(line.conversationUuid) : undefined)
      const call = uuid ? this.calls.get(uuid) : undefined
      if (call) call.entryPath = line.entryPath
      else if (line.uuid ?? line.conversationUuid) this.pendingEntries.set((line.uuid ?? line.conversationUuid)!, line.entryPath)
      return
    }
    this.seen.add(eventKey(line))
    const call = this.callFor(line.uuid, line.at)
    if (line.conversationUuid) {
      call.conversationUuid = line.conversationUuid
      this.byConversation.set(line.conversationUuid, line.uuid)
    }
    call.from ??= line.from
    call.to ??= line.to
    call.direction ??= line.direction
    if (line.duration !== undefined) call.durationSeconds = line.duration
    call.startedAt = Math.min(call.startedAt, line.at)
    call.statuses.push({ status: line.status, at: line.at })
    call.statuses.sort((a, b) => a.at - b.at)
    // An entry can be linked before the call's first event arrives (events and webhooks race).
    const early = this.pendingEntries.get(line.uuid) ?? (line.conversationUuid ? this.pendingEntries.get(line.conversationUuid) : undefined)
    if (early) call.entryPath = early
  }

  private applyHotline(line: HotlineLine): void {
    const call = this.callFor(line.uuid, line.at)
    if (line.kind === 'hotline') {
      call.hotline = { name: line.name, rung: line.staff.map((name) => ({ name, status: 'dialling', at: line.at })) }
      this.unfinished.set(line.uuid, [line])
      return
    }
    const ledger = (call.hotline ??= { name: '', rung: [] })
    if (line.kind === 'staff') {
      this.unfinished.get(line.uuid)?.push(line)
      // By place in the list when the line has it: two staff members may share a name.
      const staff = (line.index === undefined ? undefined : ledger.rung[line.index]) ?? ledger.rung.find((member) => member.name === line.name)
      if (staff) Object.assign(staff, { status: line.status, at: line.at })
      else ledger.rung.push({ name: line.name, status: line.status, at: line.at })
      if (line.conversationUuid) this.byConversation.set(line.conversationUuid, line.uuid)
      const early = line.conversationUuid ? this.pendingEntries.get(line.conversationUuid) : undefined
      if (early) call.entryPath = early
      return
    }
    this.unfinished.delete(line.uuid)
    ledger.outcome = line.outcome
    if (line.waitedMs !== undefined) ledger.waitedMs = line.waitedMs
    if (line.answeredBy) {
      ledger.answeredBy = line.answeredBy
      ledger.answeredAt = line.at
    }
  }

  /** The call a line is about, made when the line comes before the call's first event. */
  private callFor(uuid: string, at: number): CallDto {
    let call = this.calls.get(uuid)
    if (!call) {
      call = { uuid, statuses: [], startedAt: at }
      this.calls.set(uuid, call)
    }
    return call
  }

  private append(line: LogLine): Promise<void> {
    return this.file.append(line)
  }
}

function eventKey(line: { uuid: string; status: string; at: number }): string {
  return `${line.uuid}|${line.status}|${line.at}`
}

/** Quotes fields for CSV and defuses spreadsheet formulas (a caller id could start with "="). */
function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) && !/^\+?\d+$/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
