import type { Kafka, Producer } from 'kafkajs';
import type { DecodedRecord } from '../../ingest/ingest-session.js';

/**
 * Rejected records, also published to a dead-letter topic when one is configured, with their
 * reason and origin as headers. Each record goes to the partition its origin came from (modulo
 * the topic's partitions), so where it landed can be told from the send's base offsets and kept
 * with the quarantined record. Records are sent after their batch is applied and before its
 * checkpoint: after a crash they may be sent again (at least once), never lost.
 */
export class DeadLetters {
  #producer: Producer | null = null;
  #partitions = 0;

  constructor(
    readonly kafka: Kafka,
    readonly topic: string,
  ) {}

  /** Publishes the rejected records among `records`; returns where each went, in order. */
  async send(
    rejected: DecodedRecord[],
  ): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    if (rejected.length === 0) return [];
    if (!this.#producer) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const meta = await admin.fetchTopicMetadata({ topics: [this.topic] }).catch(() => null);
        this.#partitions = Math.max(1, meta?.topics[0]?.partitions.length ?? 1);
      } finally {
        await admin.disconnect();
      }
      this.#producer = this.kafka.producer();
      await this.#producer.connect();
    }
    const partitionOf = (r: DecodedRecord) =>
      'partition' in r.origin ? r.origin.partition % this.#partitions : 0;
    const sent = await this.#producer.send({
      topic: this.topic,
      messages: rejected.map((r) => ({
        partition: partitionOf(r),
        value: r.raw,
        headers: { reason: r.result.ok ? '' : r.result.reason, origin: JSON.stringify(r.origin) },
      })),
    });
    const base = new Map(sent.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
    const next = new Map<number, bigint>();
    return rejected.map((r) => {
      const partition = partitionOf(r);
      const offset = next.get(partition) ?? base.get(partition) ?? 0n;
      next.set(partition, offset + 1n);
      return { topic: this.topic, partition, offset: String(offset) };
    });
  }

  async close(): Promise<void> {
    await this.#producer?.disconnect().catch(() => {});
    this.#producer = null;
  }
}
