import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { Dict } from '../../../shared/dict.js';
import type { ConnectionTestReport } from '../../../shared/settings.js';
import { classify, explain } from '../sources/kafka/errors.js';
import { partitionKey } from '../sources/kafka/offsets.js';
import { type KafkaSettings, kafkaJsConfig } from './kafka-settings.js';

/**
 * "Test connection" in Settings: can this machine reach the cluster, does it accept the login,
 * and are the topics there (with their partitions, messages and, for a connection that has a
 * store, how far behind it is). Each failure comes in plain words with what to change. Nothing
 * is read or committed; the admin client is closed again.
 */
export async function testKafkaConnection(
  settings: KafkaSettings,
  storedOffsets: Dict<string> | null,
): Promise<ConnectionTestReport> {
  const report: ConnectionTestReport = { ok: false, steps: [], cluster: null, topics: [] };
  let config: ReturnType<typeof kafkaJsConfig>;
  try {
    config = kafkaJsConfig(settings);
  } catch (error) {
    // A PEM file that cannot be read: nothing was tried.
    report.steps.push({
      step: 'reach',
      ok: false,
      message: (error as Error).message,
      fix: 'Choose a file that exists and can be read.',
    });
    return report;
  }
  const kafka = new Kafka({
    ...config,
    // One quick try: a person is waiting for the answer.
    retry: { retries: 1, initialRetryTime: 300, maxRetryTime: 1000 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const target = settings.brokers.join(', ');
  try {
    try {
      await admin.connect();
    } catch (error) {
      const kind = classify(error);
      const { problem, fix } = explain(error);
      if (kind === 'authentication' || kind === 'authorisation') {
        report.steps.push({
          step: 'reach',
          ok: true,
          message: `The cluster at ${target} answered.`,
          fix: null,
        });
        report.steps.push({ step: 'login', ok: false, message: problem, fix });
      } else report.steps.push({ step: 'reach', ok: false, message: problem, fix });
      return report;
    }
    const cluster = await admin.describeCluster();
    report.cluster = { id: cluster.clusterId, brokers: cluster.brokers.length };
    report.steps.push({
      step: 'reach',
      ok: true,
      message: `Reached cluster ${cluster.clusterId} (${cluster.brokers.length} broker${cluster.brokers.length === 1 ? '' : 's'}) at ${target}${settings.ssl ? ', over TLS' : ''}.`,
      fix: null,
    });
    report.steps.push({
      step: 'login',
      ok: true,
      message: settings.sasl
        ? `Logged in as ${settings.sasl.username} (${settings.sasl.mechanism.toUpperCase()}).`
        : 'No login asked for (no SASL).',
      fix: null,
    });
    const topicsOk = await checkTopics(admin, settings, storedOffsets, report);
    report.ok = topicsOk;
    return report;
  } catch (error) {
    const { problem, fix } = explain(error);
    report.steps.push({ step: 'topics', ok: false, message: problem, fix });
    return report;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function checkTopics(
  admin: Admin,
  settings: KafkaSettings,
  storedOffsets: Dict<string> | null,
  report: ConnectionTestReport,
): Promise<boolean> {
  const existing = new Set(await admin.listTopics());
  const wanted: Array<[ConnectionTestReport['topics'][number]['role'], string, boolean]> =
    settings.profiles !== null
      ? [['profiles', settings.profiles, true]]
      : [
          ['clickstream', settings.topics.clickstream, true],
          ['predictions', settings.topics.predictions, true],
        ];
  if (settings.profiles === null && settings.topics.customers)
    wanted.push(['customers', settings.topics.customers, false]);
  if (settings.deadLetterTopic) wanted.push(['dead letters', settings.deadLetterTopic, false]);
  const missing: string[] = [];
  for (const [role, name, required] of wanted) {
    if (!existing.has(name)) {
      report.topics.push({ role, name, found: false, partitions: null, messages: null, lag: null });
      if (required) missing.push(name);
      continue;
    }
    const offsets = await admin.fetchTopicOffsets(name);
    let messages = 0;
    let lag: number | null = storedOffsets ? 0 : null;
    for (const p of offsets) {
      messages += Number(p.high) - Number(p.low);
      if (lag !== null && role !== 'dead letters') {
        const next = storedOffsets?.[partitionKey(name, p.partition)];
        const from =
          next === undefined ? (settings.from === 'earliest' ? Number(p.low) : Number(p.high)) : Number(next);
        lag += Math.max(0, Number(p.high) - from);
      }
    }
    report.topics.push({
      role,
      name,
      found: true,
      partitions: offsets.length,
      messages,
      lag: role === 'dead letters' ? null : lag,
    });
  }
  if (missing.length > 0) {
    report.steps.push({
      step: 'topics',
      ok: false,
      message: `Not found on the cluster: ${missing.map((t) => `"${t}"`).join(', ')}.`,
      fix: 'Check the topic names, or create the topics on the cluster.',
    });
    return false;
  }
  const optionalMissing = report.topics
    .filter((t) => !t.found)
    .map((t) => `"${t.name}" (${t.role}, optional)`);
  report.steps.push({
    step: 'topics',
    ok: true,
    message: `Found ${report.topics.filter((t) => t.found).length} topic(s)${optionalMissing.length ? `; not found: ${optionalMissing.join(', ')}` : ''}.`,
    fix: null,
  });
  return true;
}
