import { expect, type Locator, type Page } from '@playwright/test';

export type Role = 'asr' | 'llm' | 'tts' | 'speech_llm';

/** Generous: three tiny models, each run on SwiftShader WebGPU and on wasm, on 2 slow cores. */
export const MODELS_READY_TIMEOUT_MS = 120_000;

/** The loading panel as a user sees it. */
export class ModelsPanel {
  readonly pack: Locator;
  readonly advice: Locator;

  constructor(readonly page: Page) {
    this.pack = page.getByTestId('pack');
    this.advice = page.getByTestId('pack-advice');
  }

  model(role: Role): Locator {
    return this.page.getByTestId(`model-${role}`);
  }

  reason(role: Role): Locator {
    return this.page.getByTestId(`model-${role}-reason`);
  }

  /** The self-check's line: outcome (data-outcome) and evidence. */
  selfCheck(role: Role): Locator {
    return this.page.getByTestId(`model-${role}-selfcheck`);
  }

  async expectReady(role: Role, device: 'webgpu' | 'wasm', timeoutMs = MODELS_READY_TIMEOUT_MS): Promise<void> {
    await expect(this.model(role)).toHaveAttribute('data-status', 'ready', { timeout: timeoutMs });
    await expect(this.model(role)).toHaveAttribute('data-device', device);
  }
}
