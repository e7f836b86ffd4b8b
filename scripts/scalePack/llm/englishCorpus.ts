// English text for learning the synthetic BPE merges: every Markdown file under node_modules (READMEs, changelogs,
// docs), in sorted path order. The lockfile pins node_modules, so the text (and the merges learned from it) are the
// same on every install; the project's own docs are left out, or each edit would change the tokenizers the manifest records.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function englishCorpus(repoRoot: string): string {
  const modules = join(repoRoot, 'node_modules');
  const paths = readdirSync(modules, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.toLowerCase().endsWith('.md'))
    .sort()
    .map((path) => join(modules, path))
    .filter((path) => statSync(path).isFile());
  return paths.map((path) => readFileSync(path, 'utf8')).join('\n\n');
}
