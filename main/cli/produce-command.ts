import { publish } from '../engine/kafka/kafka-publisher.js';
import { count, fmt, progressBar, seconds, stopOnInterrupt } from './cli-output.js';
import { type KafkaFlags, kafkaSettings } from './kafka-options.js';

export interface ProduceFlags extends KafkaFlags {
  rate: number;
  demo?: number;
  seed: number;
  customers: number;
  partitions: number;
}

export async function runProduce(files: string[], flags: ProduceFlags): Promise<void> {
  const settings = kafkaSettings(flags);
  const shouldStop = stopOnInterrupt();
  const bar = progressBar('Publishing {value} messages | {rate} messages/s');
  bar?.start(0, 0, { rate: 0 });
  const started = performance.now();
  const result = await publish({
    settings,
    rate: flags.rate,
    files: files.length > 0 ? files : undefined,
    demo:
      files.length === 0 && flags.demo !== undefined
        ? { events: flags.demo, seed: flags.seed, customers: flags.customers }
        : undefined,
    partitions: flags.partitions,
    shouldStop,
    onProgress: (sent) =>
      bar?.update(sent, { rate: Math.round((sent * 1000) / (performance.now() - started)) }),
  });
  bar?.stop();
  const s = result.sent;
  const lines = [
    `Published ${count(s.clickstream + s.predictions + s.customers, 'message')} to ${settings.brokers.join(',')} in ${seconds(performance.now() - started)}: ${fmt(s.clickstream)} to ${settings.topics.clickstream}, ${fmt(s.predictions)} to ${settings.topics.predictions}, ${fmt(s.customers)} to ${settings.topics.customers}.`,
  ];
  if (result.skipped > 0)
    lines.push(`Skipped ${count(result.skipped, 'unreadable record')} (first: ${result.firstSkipped}).`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
