/** Where the page saw a request to another origin: a request its policy blocked, or one that reached the network. */
export type ForeignRequestSource = 'blocked' | 'completed';

export interface ForeignRequestTally {
  /** Distinct addresses: a blocked request can show up twice, as a violation and as a failed resource entry. */
  count: number;
  urls: ReadonlySet<string>;
  /** The latest few, so the page can say which. */
  recent: { url: string; source: ForeignRequestSource }[];
}

const RECENT_LIMIT = 5;

export const EMPTY_TALLY: ForeignRequestTally = { count: 0, urls: new Set(), recent: [] };

/**
 * True when fetching `url` would reach a server other than the page's own. Same-origin, blob: and data: URLs
 * stay on the device; so do the non-URL values a policy violation reports for inline code ("inline", "eval").
 */
export function isOtherOrigin(url: string, pageOrigin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url, pageOrigin);
  } catch {
    return false;
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) return false;
  const own = new URL(pageOrigin);
  // A WebSocket to the page's own host and port is the same server.
  const ownWebSocket = `${own.protocol === 'https:' ? 'wss:' : 'ws:'}//${own.host}`;
  return parsed.origin !== own.origin && `${parsed.protocol}//${parsed.host}` !== ownWebSocket;
}

/** The tally after one observed request; the same object when it adds nothing (this origin, or an address already counted). */
export function tallyRequest(tally: ForeignRequestTally, url: string, source: ForeignRequestSource, pageOrigin: string): ForeignRequestTally {
  if (!isOtherOrigin(url, pageOrigin) || tally.urls.has(url)) return tally;
  const urls = new Set(tally.urls).add(url);
  return { count: urls.size, urls, recent: [...tally.recent, { url, source }].slice(-RECENT_LIMIT) };
}
