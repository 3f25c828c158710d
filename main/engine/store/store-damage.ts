/**
 * A store file that cannot be trusted (truncated, edited, foreign, of wrong types). The store is
 * then moved aside whole with this message; it is never overwritten and never half-used.
 */
export class StoreDamage extends Error {
  override name = 'StoreDamage';
}
