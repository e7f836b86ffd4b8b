export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** The hub to download from: --base-url, else $HF_ENDPOINT (the variable huggingface_hub honours for mirrors), else the hub. */
export function resolveHubBaseUrl(baseUrlFlag: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = baseUrlFlag ?? (env.HF_ENDPOINT?.trim() || DEFAULT_HUB_URL);
  return chosen.replace(/\/+$/, '');
}

/** `${base}/${repo}/resolve/${revision}/${pathInRepo}`, each path segment URL-encoded. */
export function hubFileUrl(baseUrl: string, repo: string, revision: string, pathInRepo: string): string {
  const encodedPath = pathInRepo.split('/').map(encodeURIComponent).join('/');
  return `${baseUrl}/${repo}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
}
