/** What a user does about a missing pack file: run the command that fetches or builds the pack. */
export function packRemedy(pack: string): string {
  return pack === 'tiny' ? "Run 'npm run make:tiny-pack'" : `Run 'npm run models -- ${pack}'`;
}
