export const CSP_REPORT_PATH: string;
export function contentSecurityPolicy(options?: { inlineScriptHashes?: string[]; inlineStyles?: boolean }): string;
export const ISOLATION_HEADERS: Readonly<Record<'Cross-Origin-Opener-Policy' | 'Cross-Origin-Embedder-Policy', string>>;
export function appHeaders(policy: string): Record<string, string>;
