import { expect, type Locator, type Page } from '@playwright/test';

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
