import { describe, expect, it } from 'vitest';
import { DeviceLossWatch, type LosableDevice } from './deviceLoss';
import { deviceLossNotice } from './deviceLossNotice';

/** A device whose loss the test triggers, as destroy() or a driver reset would. */
function fakeDevice(): LosableDevice & { loseUnexpectedly(): void } {
  let resolveLost: (info: { reason: string; message: string }) => void = () => undefined;
  const lost = new Promise<{ reason: string; message: string }>((resolve) => (resolveLost = resolve));
  return {
    lost,
    destroy: () => resolveLost({ reason: 'destroyed', message: 'Device was destroyed.' }),
    loseUnexpectedly: () => resolveLost({ reason: 'unknown', message: '' }),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('DeviceLossWatch', () => {
  it('reports a loss once per device, however often the device is shown', async () => {
    const losses: unknown[] = [];
    const watch = new DeviceLossWatch((loss) => losses.push(loss));
    const device = fakeDevice();
    expect(watch.watch(device)).toBe(true);
    expect(watch.watch(device)).toBe(false);
    await settle();
    expect(losses).toEqual([]);
    device.destroy();
    await settle();
    expect(losses).toEqual([{ reason: 'destroyed', message: 'Device was destroyed.' }]);
  });

  it('names an unexplained loss and ignores what is not a device', async () => {
    const losses: unknown[] = [];
    const watch = new DeviceLossWatch((loss) => losses.push(loss));
    expect(watch.watch(undefined)).toBe(false);
    expect(watch.watch({ lost: 1 })).toBe(false);
    const device = fakeDevice();
    watch.watch(device);
    device.loseUnexpectedly();
    await settle();
    expect(losses).toEqual([{ reason: 'unknown', message: 'no details' }]);
  });
});

describe('deviceLossNotice', () => {
  it('says where the models run now', () => {
    expect(deviceLossNotice([{ role: 'asr', device: 'webgpu' }, { role: 'llm', device: 'webgpu' }])).toBe('The graphics device was reset; models were reloaded on WebGPU.');
    expect(deviceLossNotice([{ role: 'asr', device: 'webgpu' }, { role: 'llm', device: 'wasm' }])).toBe(
      'The graphics device was reset; models were reloaded: speech recognition on WebGPU, language model on wasm.',
    );
  });

  it('names the models that did not come back', () => {
    expect(deviceLossNotice([{ role: 'asr', device: 'wasm' }, { role: 'tts', device: null }])).toBe(
      'The graphics device was reset; models were reloaded: speech recognition on wasm; voice could not be reloaded (see Models).',
    );
    expect(deviceLossNotice([{ role: 'llm', device: null }])).toBe('The graphics device was reset; language model could not be reloaded (see Models).');
  });
});
