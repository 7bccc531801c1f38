import { strict as assert } from 'node:assert'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { Page } from 'playwright'
import type { SettingsDto } from '#shared/intake'
import { waitFor } from '../helpers/wait-for'
import { openWindowSession, type WindowSession } from './pages/window-session'

/** The Settings view of a fresh app, in Chromium; closed by the caller. */
async function openSettings(env: NodeJS.ProcessEnv = {}): Promise<WindowSession> {
  const session = await openWindowSession(env)
  await session.page.getByTestId('nav-settings').click()
  await session.page.getByTestId('settings-view').getByTestId('save-settings').waitFor()
  return session
}

const field = (page: Page, id: string) => page.getByTestId(`setting-${id}`)
/** The refusal shown under an input, found through the input's own aria-describedby. */
async function refusalAt(page: Page, id: string): Promise<string | null> {
  return page.evaluate((inputId) => {
    const input = document.getElementById(inputId)
    const ids = input?.getAttribute('aria-describedby')?.split(' ') ?? []
    const error = ids.map((describedBy) => document.getElementById(describedBy)).find((element) => element?.dataset.testid === 'setting-field-error')
    return error?.textContent?.trim() ?? null
  }, `setting-${id}`)
}

describe('Settings in the window', () => {
  it('saves a desktop switch the moment it is flipped, by mouse or keyboard, without touching the form', async () => {
    const session = await openSettings()
    const { page, app } = session
    try {
      const openAtLogin = field(page, 'open-at-login')
      const callEntries = field(page, 'notify-call-entries')
      const before = await app.call<SettingsDto>('getSettings')
      await field(page, 'greeting').fill('Not saved yet')
      await openAtLogin.click({ timeout: 20_000 })
      await waitFor(async () => (await app.call<SettingsDto>('getSettings')).openAtLogin === !before.openAtLogin, 'the switch is saved at once')
      await callEntries.focus()
      await page.keyboard.press('Space')
      await waitFor(async () => (await app.call<SettingsDto>('getSettings')).notifyCallEntries === !before.notifyCallEntries, 'the keyboard flips it too')
      // The form's own edit is still there and still unsaved.
      assert.equal(await field(page, 'greeting').inputValue(), 'Not saved yet')
      assert.equal((await app.call<SettingsDto>('getSettings')).greeting, before.greeting)
      assert.equal(await openAtLogin.getAttribute('aria-describedby'), 'setting-open-at-login-hint')

      await page.reload()
      await page.getByTestId('nav-settings').click()
      await openAtLogin.waitFor({ timeout: 20_000 })
      assert.equal(await openAtLogin.isChecked(), !before.openAtLogin)
      assert.equal(await callEntries.isChecked(), !before.notifyCallEntries)
      assert.deepEqual(session.errors, [])
    } finally {
      await session.close()
    }
  })

  it('saves what was typed, normalised, and shows it again after a reload', async () => {
    const session = await openSettings()
    const { page, app } = session
    try {
      await field(page, 'greeting').fill('  Hello, journal.  ')
      await field(page, 'max-seconds').fill('120')
      await field(page, 'allowed-callers').fill('+44 7700 900123\n\n(0049) 30-1234567')
      await field(page, 'mode-stream').check()
      await field(page, 'end-on-key').selectOption('#')
      await page.keyboard.press('Control+s')
      await page.getByTestId('settings-saved').waitFor()
      const saved = await app.call<SettingsDto>('getSettings')
      assert.equal(saved.greeting, 'Hello, journal.')
      assert.equal(saved.maxSeconds, 120)
      assert.deepEqual(saved.allowedCallers, ['447700900123', '0049301234567'])
      assert.equal(saved.mode, 'stream')
      assert.equal(saved.endOnKey, '#')

      await page.reload()
      await page.getByTestId('nav-settings').click()
      await field(page, 'greeting').waitFor()
      assert.equal(await field(page, 'greeting').inputValue(), 'Hello, journal.')
      assert.equal(await field(page, 'max-seconds').inputValue(), '120')
      assert.equal(await field(page, 'allowed-callers').inputValue(), '447700900123\n0049301234567')
      assert.equal(await field(page, 'mode-stream').isChecked(), true)
      // Headless, the logs card shows where the log is (only the desktop app can open the folder).
      assert.equal(await page.getByTestId('log-file').textContent(), join(app.info.dataDir, 'logs', 'voice-journal.log'))
      assert.equal(await page.getByTestId('open-logs-folder').count(), 0)
      assert.deepEqual(session.errors, [])
    } finally {
      await session.close()
    }
  })

  it('offers transcription (off by default, Vonage charges) in record and hotline modes, and saves the language', async () => {
    const session = await openSettings()
    const { page, app } = session
    try {
      const select = field(page, 'transcription')
      assert.equal(await select.inputValue(), '', 'off unless chosen')
      assert.match((await page.locator('#setting-transcription-hint').textContent()) ?? '', /charges/)
      await select.selectOption('de-DE')
      await page.getByTestId('save-settings').click()
      await page.getByTestId('settings-saved').waitFor()
      assert.equal((await app.call<SettingsDto>('getSettings')).transcriptionLanguage, 'de-DE')
      // A streamed call has no Vonage recording to transcribe.
      await field(page, 'mode-stream').check()
      await select.waitFor({ state: 'detached' })
      await field(page, 'mode-hotline').check()
      assert.equal(await select.inputValue(), 'de-DE')
      assert.deepEqual(session.errors, [])
    } finally {
      await session.close()
    }
  })

  it('shows transcription set by VONAGE_TRANSCRIPTION read-only', async () => {
    const session = await openSettings({ VONAGE_TRANSCRIPTION: 'en-GB' })
    const { page } = session
    try {
      assert.equal(await field(page, 'transcription').inputValue(), 'en-GB')
      assert.equal(await field(page, 'transcription').isDisabled(), true)
      assert.match((await page.locator('#setting-transcription-hint').textContent()) ?? '', /VONAGE_TRANSCRIPTION/)
    } finally {
      await session.close()
    }
  })

  it('offers several recordings per call in record mode only, and saves it', async () => {
    const session = await openSettings()
    const { page, app } = session
    try {
      const option = field(page, 'several-recordings')
      assert.equal(await field(page, 'mode-record').isChecked(), true)
      assert.equal(await option.isChecked(), false, 'off unless chosen')
      await page.getByLabel('Several recordings per call').check()
      await page.getByTestId('save-settings').click()
      await page.getByTestId('settings-saved').waitFor()
      assert.equal((await app.call<SettingsDto>('getSettings')).severalRecordings, true)

      // A streamed call is one stream: the option is not offered there, and comes back with record mode.
      await field(page, 'mode-stream').check()
      await option.waitFor({ state: 'detached' })
      await field(page, 'mode-record').check()
      assert.equal(await option.isChecked(), true)

      await page.reload()
      await page.getByTestId('nav-settings').click()
      await option.waitFor()
      assert.equal(await option.isChecked(), true, 'saved')
      assert.deepEqual(session.errors, [])
    } finally {
      await session.close()
    }
  })

  it('shows a refused value at its own field, puts the cursor there, and saves nothing', async () => {
    const session = await openSettings()
    const { page, app } = session
    try {
      const before = await app.call<SettingsDto>('getSettings')
      await field(page, 'greeting').fill('Changed, but not saved')
      await field(page, 'max-seconds').fill('2')
      await page.getByTestId('save-settings').click()
      await waitFor(async () => (await refusalAt(page, 'max-seconds')) !== null, 'the refusal shows under Maximum length')
      assert.match((await refusalAt(page, 'max-seconds'))!, /Maximum length must be from 3 to 7200 seconds/)
      assert.equal(await field(page, 'max-seconds').getAttribute('aria-invalid'), 'true')
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'setting-max-seconds')
      assert.equal(await refusalAt(page, 'greeting'), null, 'only the refused field is marked')
      assert.deepEqual(await app.call<SettingsDto>('getSettings'), before, 'nothing was saved')

      // A value only the services can judge (a PEM that is not a key) is shown at its field too.
      await field(page, 'max-seconds').fill('60')
      await field(page, 'private-key').fill('-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----')
      await page.getByTestId('save-settings').click()
      await waitFor(async () => (await refusalAt(page, 'private-key')) !== null, 'the refusal shows under Private key')
      assert.match((await refusalAt(page, 'private-key'))!, /Private key must be the PEM file Vonage gave you/)
      assert.equal(await refusalAt(page, 'max-seconds'), null, 'the earlier refusal is gone')
      assert.deepEqual(await app.call<SettingsDto>('getSettings'), before)

      // Inside the closed "Advanced" section: it opens to show the refused API host.
      await field(page, 'private-key').fill('')
      await page.getByText('Advanced').click()
      await field(page, 'api-host').fill('https://user:secret@api.example.test')
      await page.getByText('Advanced').click()
      await page.getByTestId('save-settings').click()
      await waitFor(async () => (await refusalAt(page, 'api-host')) !== null, 'the refusal shows under API host')
      assert.equal(await field(page, 'api-host').isVisible(), true)
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'setting-api-host')
      assert.deepEqual(session.errors.filter((error) => !/status of 400/.test(error)), [])
    } finally {
      await session.close()
    }
  })

  it('sets up a hotline: staff rows added by keyboard, a number not in E.164 refused at the staff list, the fixed list saved normalised', { timeout: 180_000 }, async () => {
    const session = await openSettings()
    const { page, app } = session
    try {
      assert.equal(await page.getByTestId('hotline-settings').count(), 0, 'the hotline settings show only in hotline mode')
      await field(page, 'mode-hotline').check({ timeout: 20_000 })
      await page.getByTestId('hotline-staff-empty').waitFor({ timeout: 20_000 })
      await field(page, 'hotline-name').fill('Code of conduct')
      const focusedId = (): Promise<string | undefined> => page.evaluate(() => document.activeElement?.id)
      await page.getByTestId('hotline-staff-add').click()
      // The new row's name field has the cursor (moved there once the row is drawn).
      await waitFor(async () => (await focusedId()) === 'hotline-staff-name-0', 'the new row’s name has the cursor')
      await page.keyboard.type('Ana')
      await page.keyboard.press('Tab')
      await page.keyboard.type('+44 7700 900001')
      await page.getByTestId('hotline-staff-add').click()
      await waitFor(async () => (await focusedId()) === 'hotline-staff-name-1', 'the second row’s name has the cursor')
      await page.keyboard.type('Ben')
      await page.keyboard.press('Tab')
      await page.keyboard.type('07700 900002')
      await field(page, 'ring-seconds').fill('20')
      await field(page, 'no-answer').selectOption('hangup')
      const before = await app.call<SettingsDto>('getSettings')
      await page.getByTestId('save-settings').click()
      await waitFor(async () => (await refusalAt(page, 'hotline-staff')) !== null, 'the refusal shows at the staff list')
      assert.match((await refusalAt(page, 'hotline-staff'))!, /international format starting with \+/)
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'setting-hotline-staff', 'the staff list has the focus')
      assert.deepEqual(await app.call<SettingsDto>('getSettings'), before, 'nothing was saved')

      await page.locator('#hotline-staff-number-1').fill('+44 7700 900002')
      await page.getByTestId('save-settings').click()
      await page.getByTestId('settings-saved').waitFor()
      const saved = await app.call<SettingsDto>('getSettings')
      assert.equal(saved.mode, 'hotline')
      assert.equal(saved.hotlineName, 'Code of conduct')
      assert.deepEqual(saved.hotlineStaff, [
        { name: 'Ana', number: '+447700900001' },
        { name: 'Ben', number: '+447700900002' }
      ])
      assert.equal(saved.ringSeconds, 20)
      assert.equal(saved.hotlineNoAnswer, 'hangup')

      await page.getByRole('button', { name: 'Remove Ben' }).click()
      await page.getByTestId('save-settings').click()
      await page.getByTestId('settings-saved').waitFor()
      assert.deepEqual((await app.call<SettingsDto>('getSettings')).hotlineStaff, [{ name: 'Ana', number: '+447700900001' }])
      assert.deepEqual(session.errors.filter((error) => !/status of 400/.test(error)), [])
    } finally {
      await session.close()
    }
  })

  it('shows settings fixed by environment variables read-only, naming the variable, and the services refuse changing them', async () => {
    const session = await openSettings({ PUBLIC_URL: 'https://journal.example.test', JOURNAL_MODE: 'stream' })
    const { page, app } = session
    try {
      assert.equal(await field(page, 'public-url').inputValue(), 'https://journal.example.test')
      assert.equal(await field(page, 'public-url').getAttribute('readonly'), '')
      assert.equal(await field(page, 'mode-stream').isChecked(), true)
      assert.equal(await field(page, 'mode-record').isDisabled(), true)
      const notes = await page.getByTestId('setting-env-note').allTextContents()
      assert.ok(notes.some((note) => note.includes('PUBLIC_URL')), notes.join(' | '))
      assert.ok(notes.some((note) => note.includes('JOURNAL_MODE')), notes.join(' | '))
      assert.equal(await page.getByTestId('answer-url').textContent().then((text) => text?.includes('https://journal.example.test/webhooks/answer')), true)
      // Saving the rest works; the fixed ones are not sent.
      await field(page, 'greeting').fill('Still editable')
      await page.getByTestId('save-settings').click()
      await page.getByTestId('settings-saved').waitFor()
      const refusal = await fetch(`${app.origin}/api/saveSettings`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ publicUrl: 'https://elsewhere.example.test' })
      })
      assert.equal(refusal.status, 400)
      const body = (await refusal.json()) as { error: { message: string; field?: string } }
      assert.equal(body.error.field, 'publicUrl')
      assert.match(body.error.message, /PUBLIC_URL environment variable/)
      assert.equal((await app.call<SettingsDto>('getSettings')).publicUrl, 'https://journal.example.test')
    } finally {
      await session.close()
    }
  })

  it('never shows a saved secret again: not in the page, not in any response', async () => {
    const session = await openSettings()
    const { page, app } = session
    try {
      const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
      const secret = `sig-${randomUUID()}`
      const keyLine = privateKey.split('\n')[1]!
      const bodies: string[] = []
      page.on('response', (response) => {
        if (response.url().includes('/api/')) void response.text().then((text) => bodies.push(text), () => undefined)
      })
      await field(page, 'application-id').fill(randomUUID())
      await field(page, 'private-key').fill(privateKey)
      await field(page, 'signature-secret').fill(secret)
      await page.getByTestId('save-settings').click()
      await page.getByTestId('settings-saved').waitFor()
      assert.match((await page.getByTestId('setting-private-key-status').textContent()) ?? '', /A private key is saved/)
      assert.match((await page.getByTestId('setting-signature-secret-status').textContent()) ?? '', /A signature secret is saved/)
      assert.equal(await page.getByTestId('vonage-status').textContent(), 'Ready for calls')

      await page.reload()
      await page.getByTestId('nav-settings').click()
      await page.getByTestId('setting-private-key-status').waitFor()
      const html = await page.content()
      assert.ok(!html.includes(secret) && !html.includes(keyLine), 'the page holds no secret')
      const saved = await app.call<SettingsDto>('getSettings')
      assert.equal(saved.privateKeySet, true)
      assert.equal(saved.signatureSecretSet, true)
      const raw = JSON.stringify(saved)
      assert.ok(!raw.includes(secret) && !raw.includes(keyLine), 'getSettings holds no secret')
      await waitFor(() => bodies.length > 0, 'the window has made API calls')
      assert.ok(bodies.every((body) => !body.includes(secret) && !body.includes(keyLine)), 'no API response echoed a secret')
    } finally {
      await session.close()
    }
  })

  it('reads a key file chosen in the window into the field, and refuses a file too large to be a key', async () => {
    const session = await openSettings()
    const { page, app } = session
    try {
      const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
      const chooser = page.getByTestId('setting-private-key-file')
      await chooser.setInputFiles({ name: 'huge.key', mimeType: 'text/plain', buffer: Buffer.alloc(64 * 1024, 'A') })
      assert.equal(await page.getByRole('alert').filter({ hasText: 'huge.key' }).textContent(), 'huge.key is too large to be a private key.')
      assert.equal(await field(page, 'private-key').inputValue(), '')

      await chooser.setInputFiles({ name: 'private.key', mimeType: 'text/plain', buffer: Buffer.from(privateKey) })
      await page.getByRole('status').filter({ hasText: 'Read from private.key' }).waitFor()
      assert.equal(await field(page, 'private-key').inputValue(), privateKey)
      assert.equal(await page.getByRole('alert').filter({ hasText: 'huge.key' }).count(), 0, 'the earlier refusal is gone')
      await field(page, 'application-id').fill(randomUUID())
      await page.getByTestId('save-settings').click()
      await page.getByTestId('settings-saved').waitFor()
      assert.equal((await app.call<SettingsDto>('getSettings')).privateKeySet, true)
      assert.deepEqual(session.errors, [])
    } finally {
      await session.close()
    }
  })
})
