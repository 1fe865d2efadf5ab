/** Advisory lock classes (first key of the two-int form) used by the store. */
export const LOCK_CLASS_MIGRATE = 0x5e1f0001;
export const LOCK_CLASS_ALLOCATE = 0x5e1f0002;

/** A stable 31-bit key per schema (FNV-1a), the second advisory lock key. */
export const schemaLockKey = (schema: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < schema.length; i++) {
    h ^= schema.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
};
