/**
 * One customer's distinct tracks as track numbers (see ByteTable): an open-addressing set of
 * 32-bit integers that also keeps the order they came in, so the store lists them as the
 * one-thread engine does. About 6 bytes a track, where a Set of strings takes 20–30.
 */
export class TrackSet {
  /** Numbers in the order added. */
  #order = new Int32Array(8);
  /** Slot → number + 1 (0: empty); twice the capacity of #order. */
  #slots = new Int32Array(16);
  size = 0;

  add(n: number): void {
    const mask = this.#slots.length - 1;
    let slot = (Math.imul(n + 1, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const entry = this.#slots[slot] as number;
      if (entry === 0) break;
      if (entry === n + 1) return;
      slot = (slot + 1) & mask;
    }
    if (this.size === this.#order.length) {
      this.#grow();
      this.add(n);
      return;
    }
    this.#slots[slot] = n + 1;
    this.#order[this.size++] = n;
  }

  /** The numbers, in the order they were added. */
  numbers(): Int32Array {
    return this.#order.subarray(0, this.size);
  }

  #grow(): void {
    const order = new Int32Array(this.#order.length * 2);
    order.set(this.#order);
    const slots = new Int32Array(order.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.size; i++) {
      const n = order[i] as number;
      let slot = (Math.imul(n + 1, 0x9e3779b1) >>> 0) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = n + 1;
    }
    this.#order = order;
    this.#slots = slots;
  }
}
