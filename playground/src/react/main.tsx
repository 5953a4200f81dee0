/**
 * `/react.html`: the demo channels through `@switchline/react`, in StrictMode (the dev server runs React's
 * development build, so every effect mounts twice — and each stream still opens once). One client for the page,
 * handed down by `SwitchlineProvider`; the clock is a raw `useStream` on the server's SSE endpoint.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createClient } from '@switchline/client'
import { SwitchlineProvider } from '@switchline/react'
import { App, type Schema } from './app'

const rt = createClient<Schema>({ url: new URL('/rt', location.href).href, sendChannels: ['chat'] })

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <SwitchlineProvider client={rt}>
      <App room={new URLSearchParams(location.search).get('room') ?? 'lobby'} />
    </SwitchlineProvider>
  </StrictMode>,
)
document.body.dataset.ready = 'true'
