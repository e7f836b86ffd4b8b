// The repository must make sense to someone who clones it: every relative link in its Markdown resolves, and no
// tracked file points at files outside the repository (development-machine paths or notes that are not in it).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((path) => path !== '' && existsSync(join(ROOT, path)));
const THIS_FILE = 'test/repositoryStandsAlone.test.ts';
// Notes that lived beside the repository during development, and absolute paths of a development machine.
const OUTSIDE = [/\.\.\/shared\//, /(?<![\w/])(?:ES4R|DESIGN|TESTING|STYLE)\.md\b/, /\/work\/(?:main|shared|\.library)\b/];
const BINARY = /\.(onnx|wav|npy|png|ico|bin|safetensors|zip|gz)$/;

function markdownLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^(https?:|mailto:|#)/.test(target));
}

describe('the repository stands alone', () => {
  it('every relative link in README.md, CHANGELOG.md and docs/ resolves to a file in the repository', () => {
    const markdown = tracked.filter((path) => path.endsWith('.md') && (path.startsWith('docs/') || !path.includes('/')));
    expect(markdown).toContain('README.md');
    const broken = markdown.flatMap((path) =>
      markdownLinks(readFileSync(join(ROOT, path), 'utf8'))
        .map((target) => target.split('#')[0]!)
        .filter((target) => !existsSync(resolve(ROOT, dirname(path), target)))
        .map((target) => `${path} -> ${target}`),
    );
    expect(broken).toEqual([]);
  });

  it('no file refers to files outside the repository', () => {
    const offending = tracked
      .filter((path) => path !== THIS_FILE && !BINARY.test(path) && !path.startsWith('public/models/'))
      .flatMap((path) => {
        const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
        return lines.flatMap((line, i) => (OUTSIDE.some((pattern) => pattern.test(line)) ? [`${path}:${i + 1}: ${line.trim().slice(0, 120)}`] : []));
      });
    expect(offending).toEqual([]);
  });
});
