import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { exposeTestHandle } from './session/testHandle';
import './ui/styles.css';
import { loadModels } from './session/modelSession';
import { prepareListening } from './session/listenSession';
import { watchForeignRequests } from './privacy/watchForeignRequests';
import { registerServiceWorker } from './offline/registerServiceWorker';

watchForeignRequests();
exposeTestHandle();
const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// The voice detector first: the models' loads would slow its start several times over on a 2-core machine.
void loadModels({ workersAfter: prepareListening() });
registerServiceWorker();
