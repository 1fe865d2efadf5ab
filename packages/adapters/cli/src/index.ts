/**
 * @selfprov/cli: the `selfprov` command. `openStore` (one-line store selection by URL)
 * is re-exported from `@selfprov/app`.
 * @packageDocumentation
 */
export { DEFAULT_STORE_URL, type OpenedStore, openStore } from '@selfprov/app';
