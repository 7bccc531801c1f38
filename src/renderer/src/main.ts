import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createApiClient } from './api/create-client'
import { provideApi } from './api/current'
import { useNoticeStore } from './stores/notices'
import './styles/base.css'

provideApi(createApiClient())

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

app.mount('#app')
