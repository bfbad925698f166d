// Every catalogue loaded, for tests that render or translate in any locale synchronously (the
// widget itself fetches a catalogue other than English before its first render: i18n/index.ts).
import { LOCALES, loadLocale, type Locale } from '../../src/i18n/index.js';

await Promise.all((Object.keys(LOCALES) as Locale[]).map((locale) => loadLocale(locale)));
