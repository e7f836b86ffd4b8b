// The plain recipe's bench page: starts its worker when bench:turn asks, collects what it posts, relays its log lines
// to the console, where bench:turn reads them.
import type { PlainPageMessage, PlainPageRequest, PlainPageRun } from './plainPageProtocol';

window.__plainRecipeStart = (request: PlainPageRequest) => {
  const run: PlainPageRun = { loadMs: null, turns: [], done: false, error: null };
  window.__plainRecipeRun = run;
  const worker = new Worker(new URL('./plainRecipe.worker.ts', import.meta.url), { type: 'module', name: 'plain-recipe' });
  worker.addEventListener('message', ({ data }: MessageEvent<PlainPageMessage>) => {
    if (data.kind === 'log') console.log(`plain page: ${data.line}`);
    else if (data.kind === 'loaded') run.loadMs = data.loadMs;
    else if (data.kind === 'turn') run.turns.push(data.turn);
    else if (data.kind === 'done') run.done = true;
    else run.error = data.message;
  });
  worker.addEventListener('error', (event) => {
    run.error = `the worker failed: ${event.message || 'no message (a module that did not load?)'}`;
  });
  worker.postMessage(request);
};
