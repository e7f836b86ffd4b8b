/** What a user does about a missing pack file: run the command that fetches or builds the pack. */
export function packRemedy(pack: string): string {
  if (pack === 'tiny') return "Run 'npm run make:tiny-pack'";
  if (pack.startsWith('scale-')) return `Run 'npm run make:scale-pack -- ${pack.slice('scale-'.length)}'`;
  return `Run 'npm run models -- ${pack}'`;
}
