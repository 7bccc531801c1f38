import { createApiClient } from './api/create-client'
import { provideApi } from './api/current'
import { askForActiveJournalEarly } from './api/early-answers'
import './styles/base.css'

// This first script is small: it asks for the journal the window opens on, then loads the app,
// so a long journal's list travels while the app's script (Vue and every view) is fetched and
// parsed, instead of after.
provideApi(createApiClient())
askForActiveJournalEarly()
void import('./start-app')
