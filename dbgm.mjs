import { chromium } from '@playwright/test';
const args = ['--disable-background-networking','--no-first-run', ...(process.argv[2] === 'gpu' ? ['--enable-unsafe-webgpu'] : [])];
const b = await chromium.launch({ executablePath: '/usr/lib/chromium/chromium', args });
const p = await b.newPage();
p.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') console.log('console:', m.type(), m.text().slice(0, 300)); });
p.on('pageerror', e => console.log('pageerror:', e.message));
await p.goto('http://127.0.0.1:5199/');
for (let i = 0; i < Number(process.argv[3] ?? 10); i++) {
  await p.waitForTimeout(3000);
  const s = await p.evaluate(() => { const s = window.__es4r.getState(); return { pack: s.pack, comps: Object.fromEntries(Object.entries(s.components).map(([k, c]) => [k, { st: c.status, dev: c.device, r: c.reason, e: c.error, ms: c.loadMs && Math.round(c.loadMs) }])) }; });
  console.log(JSON.stringify(s));
  if (Object.values(s.comps).length === 3 && Object.values(s.comps).every(c => c.st !== 'loading')) break;
}
await p.screenshot({ path: '/tmp/shot.png', fullPage: true });
await b.close();
