import { describe, expect, it } from 'vitest';
import { EMPTY_TALLY, isOtherOrigin, tallyRequest } from './foreignRequests';

const PAGE = 'http://127.0.0.1:8080';

describe('isOtherOrigin', () => {
  it('keeps the page origin, relative paths, blob:, data: and inline markers on the device', () => {
    for (const url of [`${PAGE}/models/manifest.json`, '/assets/index.js', 'assets/x.wasm', `blob:${PAGE}/0b5c`, 'data:text/plain,hi', 'inline', 'eval', 'wasm-eval', `ws://127.0.0.1:8080/`]) {
      expect(isOtherOrigin(url, PAGE), url).toBe(false);
    }
  });

  it('flags another host, port or scheme', () => {
    for (const url of ['https://example.org/x.js', 'http://127.0.0.1:8081/models/manifest.json', 'https://127.0.0.1:8080/', 'http://localhost:8080/', 'ws://127.0.0.1:9000/', 'wss://example.org/socket']) {
      expect(isOtherOrigin(url, PAGE), url).toBe(true);
    }
  });
});

describe('tallyRequest', () => {
  it('counts each other-origin address once, however often and whichever way it was seen', () => {
    let tally = tallyRequest(EMPTY_TALLY, 'https://example.org/pixel.png', 'blocked', PAGE);
    const once = tally;
    tally = tallyRequest(tally, 'https://example.org/pixel.png', 'completed', PAGE);
    tally = tallyRequest(tally, 'https://example.org/pixel.png', 'blocked', PAGE);
    expect(tally).toBe(once);
    expect(tally.count).toBe(1);
    expect(tally.recent).toEqual([{ url: 'https://example.org/pixel.png', source: 'blocked' }]);
  });

  it('counts requests to other origins only, whichever way they were seen, and keeps the latest five', () => {
    let tally = tallyRequest(EMPTY_TALLY, `${PAGE}/index.html`, 'completed', PAGE);
    expect(tally).toBe(EMPTY_TALLY);
    tally = tallyRequest(tally, 'https://example.org/a', 'blocked', PAGE);
    tally = tallyRequest(tally, 'https://example.org/b', 'completed', PAGE);
    expect(tally.count).toBe(2);
    expect(tally.recent).toEqual([
      { url: 'https://example.org/a', source: 'blocked' },
      { url: 'https://example.org/b', source: 'completed' },
    ]);
    for (let i = 0; i < 6; i++) tally = tallyRequest(tally, `https://example.org/${i}`, 'blocked', PAGE);
    expect(tally.count).toBe(8);
    expect(tally.recent.map((r) => r.url)).toEqual([1, 2, 3, 4, 5].map((i) => `https://example.org/${i}`));
  });
});
