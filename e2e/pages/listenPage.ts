import { expect, type Locator, type Page } from '@playwright/test';

/** The dialogue fixtures hold three spoken turns, 1.5 s apart, whose gains step by 6 dB. */
export const FIXTURE_TURN_COUNT = 3;
/** Speech of ~17 s plus worker and VAD start-up, on a slow CI core. */
export const DIALOGUE_TIMEOUT_MS = 60_000;

/** The listening page as a user sees it. */
export class ListenPage {
  readonly talk: Locator;
  readonly micStatus: Locator;
  readonly micProblem: Locator;
  readonly turnRows: Locator;
  readonly strategy: Locator;
  readonly delta: Locator;

  constructor(readonly page: Page) {
    this.talk = page.getByTestId('talk');
    this.micStatus = page.getByTestId('mic-status');
    this.micProblem = page.getByTestId('mic-problem');
    this.turnRows = page.getByTestId('turn-row');
    this.strategy = page.getByTestId('strategy');
    this.delta = page.getByTestId('delta');
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    await expect(this.talk).toBeEnabled();
  }

  async turnEnergiesDb(): Promise<number[]> {
    return this.page.evaluate(() => window.__es4r!.getState().turns.map((turn) => turn.energyDb));
  }
}
