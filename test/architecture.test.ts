// The layout rules the tree is built on, checked on the project's own import graph (test/support/importGraph.ts).
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './support/importGraph';

const graph = importGraph(process.cwd(), ['src', 'scripts', 'test', 'test-webgpu', 'e2e']);
const isTest = (path: string) => /\.test\.tsx?$/.test(path);
/** Where code starts running: the page, its workers and worklets, the service worker, the build plugin vite.config.ts loads, the Node tools. */
const isEntry = (path: string) =>
  path === 'src/main.tsx' ||
  /\.(worker|worklet)\.ts$/.test(path) ||
  path === 'src/offline/serviceWorker.ts' ||
  path.startsWith('src/offline/build/') ||
  (path.startsWith('scripts/') && !isTest(path));
const isTestSupport = (path: string) => /\.reference\.ts$/.test(path) || /^(test|e2e)\//.test(path) || path.startsWith('src/study/testing/');

/** Files of `graph` that no entry reaches through imports. */
function unreachable(graph: Map<string, string[]>, entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const stack = [...entries];
  for (let file = stack.pop(); file !== undefined; file = stack.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...(graph.get(file) ?? []));
  }
  return [...graph.keys()].filter((file) => !seen.has(file));
}

describe('the import graph', () => {
  it('is read from the sources (a graph that misses the imports would pass every rule)', () => {
    expect(graph.size).toBeGreaterThan(300);
    expect(graph.get('src/conversation/dialogue.ts')).toContain('src/conversation/affectCueTypes.ts');
    expect(graph.get('src/main.tsx')?.length).toBeGreaterThan(2);
  });

  it('the app never imports test references, fixtures or test helpers', () => {
    const violations = [...graph].flatMap(([file, targets]) =>
      file.startsWith('src/') && !isTest(file) && !isTestSupport(file) ? targets.filter(isTestSupport).map((target) => `${file} -> ${target}`) : [],
    );
    expect(violations).toEqual([]);
  });

  it('has no import cycles anywhere (domain types live in domain modules, wiring is passed in)', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check above can fail)', () => {
    const looped = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(importCycles(looped)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('src/ (the browser runtime and the pure code it shares with the CLIs) imports nothing from the Node tools in scripts/', () => {
    const violations = [...graph].flatMap(([file, targets]) => (file.startsWith('src/') ? targets.filter((t) => t.startsWith('scripts/')).map((t) => `${file} -> ${t}`) : []));
    expect(violations).toEqual([]);
  });

  it('every source file in src/ runs somewhere: in the page, a worker or worklet, the service worker, the build, or a Node tool', () => {
    const orphans = unreachable(graph, [...graph.keys()].filter(isEntry)).filter((file) => file.startsWith('src/') && !isTest(file) && !isTestSupport(file) && !file.endsWith('.d.mts'));
    expect(orphans).toEqual([]);
  });

  it('finds a file no entry reaches (the check above can fail)', () => {
    const graphWithOrphan = new Map([['main.ts', ['a.ts']], ['a.ts', []], ['orphan.ts', ['a.ts']]]);
    expect(unreachable(graphWithOrphan, ['main.ts'])).toEqual(['orphan.ts']);
  });
});
