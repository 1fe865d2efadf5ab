/**
 * Free numbers of an auto-registration range: in [startDn, endDn] and not held.
 * DNs of a range have the digits of `startDn` (the cluster refuses ranges whose
 * ends differ in length), so `0100`-style numbers keep their leading zeros.
 */

/** The auto-registration range of a cluster, when both ends are set. */
export interface DnRange {
  readonly startDn: string;
  readonly endDn: string;
}

/** Is `dn` inside the range (same number of digits, numerically between the ends)? */
export const inRange = (range: DnRange, dn: string): boolean =>
  /^[0-9]+$/.test(dn) && dn.length === range.startDn.length && BigInt(dn) >= BigInt(range.startDn) && BigInt(dn) <= BigInt(range.endDn);

/** Number of DNs in the range. */
export const rangeSize = (range: DnRange): number => Number(BigInt(range.endDn) - BigInt(range.startDn) + 1n);

/**
 * Up to `max` free numbers, lowest first. `unavailable(dn)` says whether a
 * number is taken (held, or set aside for a route point or a user's extension).
 */
export const freeNumbers = (range: DnRange, unavailable: (dn: string) => boolean, max = Number.POSITIVE_INFINITY): string[] => {
  const out: string[] = [];
  const width = range.startDn.length;
  const end = BigInt(range.endDn);
  for (let n = BigInt(range.startDn); n <= end && out.length < max; n++) {
    const dn = n.toString().padStart(width, '0');
    if (!unavailable(dn)) out.push(dn);
  }
  return out;
};
