/**
 * What the cluster has installed, against which portal choices are checked:
 * locales (user and network; display languages are user locales) and
 * music-on-hold audio sources. Names follow the vendor's drop-downs.
 */
export interface Catalog {
  readonly userLocales: readonly string[];
  readonly networkLocales: readonly string[];
  readonly audioSources: readonly string[];
}

export const defaultCatalog: Catalog = {
  userLocales: ['English United States', 'French France', 'German Germany', 'Spanish Spain', 'Italian Italy'],
  networkLocales: ['United States', 'United Kingdom', 'France', 'Germany', 'Spain', 'Italy'],
  audioSources: ['SampleAudioSource'],
};
