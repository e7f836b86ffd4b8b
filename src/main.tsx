import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { AssistantProvider } from './ui/assistantContext';
import './ui/styles.css';
import { browserPorts } from './assistant/browserPorts';
import { createAssistant } from './assistant/createAssistant';
import { testHandle } from './assistant/testHandle';
import { watchForeignRequests } from './privacy/watchForeignRequests';
import { registerServiceWorker } from './offline/registerServiceWorker';

watchForeignRequests();
const ports = browserPorts();
const assistant = createAssistant(ports);
window.__es4r = testHandle(assistant, ports.page.automation);
const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <AssistantProvider assistant={assistant}>
      <App />
    </AssistantProvider>
  </StrictMode>,
);
void assistant.start();
registerServiceWorker();
