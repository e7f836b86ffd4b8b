// The files a first visit ends up running: per component, the dtype of the device the page put it on.
import type { Device } from '../../src/models/device/chooseDevice';
import { COMPONENT_ROLES, fileRunsWith, type ComponentRole, type ModelComponent, type Pack } from '../../src/models/manifest';

type DtypeChoice = ModelComponent['dtype']['wasm'];

function needsF16(dtype: DtypeChoice): boolean {
  return (typeof dtype === 'string' ? [dtype] : Object.values(dtype)).some((name) => name.includes('f16'));
}

/** The dtype a component runs on a device: WebGPU's, or its f16-free one where the adapter lacks shader-f16. */
export function runningDtype(component: ModelComponent, device: Device, shaderF16: boolean): DtypeChoice {
  const { webgpu, webgpuNoF16, wasm } = component.dtype;
  if (device === 'wasm') return wasm;
  return needsF16(webgpu) && !shaderF16 ? (webgpuNoF16 ?? wasm) : webgpu;
}

/**
 * Bytes of the files that run, per component: the device the page reported for a role, else `otherDevice`
 * (components the panel does not list, such as the VAD and the ES4R graphs).
 */
export function roleFilesBytes(pack: Pack, devices: Partial<Record<ComponentRole, Device>>, otherDevice: Device, shaderF16: boolean): Partial<Record<ComponentRole, number>> {
  const bytes: Partial<Record<ComponentRole, number>> = {};
  for (const role of COMPONENT_ROLES) {
    const component = pack.components[role];
    if (!component) continue;
    const dtype = runningDtype(component, devices[role] ?? otherDevice, shaderF16);
    bytes[role] = component.files.filter((file) => fileRunsWith(file, [dtype])).reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0);
  }
  return bytes;
}

/** Bytes of the files that run, summed over the pack's components. */
export function runningFilesBytes(pack: Pack, devices: Partial<Record<ComponentRole, Device>>, otherDevice: Device, shaderF16: boolean): number {
  return Object.values(roleFilesBytes(pack, devices, otherDevice, shaderF16)).reduce((sum, bytes) => sum + bytes, 0);
}
