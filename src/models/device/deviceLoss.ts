/** Why a GPU device went away, as GPUDeviceLostInfo reports it ('destroyed' or 'unknown', and a message). */
export interface DeviceLoss {
  reason: string;
  message: string;
}

/** The part of a GPUDevice this module needs; a fake in tests. */
export interface LosableDevice {
  readonly lost: Promise<{ reason: string; message: string }>;
  destroy(): void;
}

export function isLosableDevice(value: unknown): value is LosableDevice {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<LosableDevice>;
  return typeof candidate.destroy === 'function' && typeof candidate.lost?.then === 'function';
}

/**
 * Reports the loss of each device it is shown, once per device: a worker shows it the device
 * onnxruntime-web runs on after every WebGPU load, and may be shown the same device again.
 */
export class DeviceLossWatch {
  private readonly watched = new WeakSet<LosableDevice>();

  constructor(private readonly onLost: (loss: DeviceLoss) => void) {}

  watch(device: unknown): boolean {
    if (!isLosableDevice(device) || this.watched.has(device)) return false;
    this.watched.add(device);
    void device.lost.then((info) => this.onLost({ reason: info.reason || 'unknown', message: info.message || 'no details' }));
    return true;
  }
}
