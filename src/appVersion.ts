// The app's version and the commit it was built from, written in by the build (vite.config.ts `define`), so that
// a study log says exactly what ran. Outside a Vite build (Node tests) both are "unknown".
declare const __APP_VERSION__: string | undefined;
declare const __APP_COMMIT__: string | undefined;

export interface AppVersion {
  version: string;
  commit: string;
}

export const APP_VERSION: AppVersion = {
  version: typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'unknown',
  commit: typeof __APP_COMMIT__ === 'string' ? __APP_COMMIT__ : 'unknown',
};
