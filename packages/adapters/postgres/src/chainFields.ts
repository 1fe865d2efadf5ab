/** The chain fields, when the row has them (every row does once migration 3 hashed the older ones). */
export const chainOf = (prevHash: string | null, hash: string | null): { prevHash?: string | null; hash?: string } =>
  hash === null ? {} : { prevHash, hash };
