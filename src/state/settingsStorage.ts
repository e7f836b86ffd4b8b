/** Where the user's settings outlive a reload; shared with the e2e suite, which seeds them. Bump the version when their shape changes. */
export const SETTINGS_STORAGE_KEY = 'es4r.settings';
export const SETTINGS_VERSION = 1;
