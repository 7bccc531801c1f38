import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { useIntakeStore } from './stores/intake'
import { useJournalStore } from './stores/journal'
import { useNoticeStore } from './stores/notices'
import { useSettingsStore } from './stores/settings'

const app = createApp(App)
app.use(createPinia())

// Nothing may fail silently: stray errors end up in the same banner as failed calls.
const notices = useNoticeStore()
app.config.errorHandler = (err) => {
  notices.report(err)
  // A render or handler error is a bug, so it also belongs in the developer console.
  console.error(err)
}
window.addEventListener('unhandledrejection', (event) => notices.report(event.reason))

// The window's data is asked for before the first render, so the services work on it while the
// page is being built instead of after.
void useJournalStore().start()
void useIntakeStore().start()
void useSettingsStore().load()

app.mount('#app')
