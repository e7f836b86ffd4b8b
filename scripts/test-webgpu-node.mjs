// Runs the Node WebGPU-vs-CPU agreement tests with Chromium's SwiftShader as the Vulkan driver.
// onnxruntime-node's WebGPU EP reads these variables only at process start, hence the child process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const libDir = process.env.CHROMIUM_LIB_DIR ?? '/usr/lib/chromium';
const icdPath = join(libDir, 'vk_swiftshader_icd.json');

if (!existsSync(icdPath)) {
  console.log(`Node WebGPU checks skipped: no SwiftShader Vulkan driver at ${icdPath} (install Debian's chromium, or set CHROMIUM_LIB_DIR).`);
  process.exit(0);
}

const ldLibraryPath = [libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
const child = spawn('npx', ['vitest', 'run', '--config', 'vitest.webgpu.config.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, LD_LIBRARY_PATH: ldLibraryPath, VK_ICD_FILENAMES: icdPath },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
