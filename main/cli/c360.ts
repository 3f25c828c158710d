#!/usr/bin/env node
import { availableParallelism } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_CHURN_THRESHOLD } from '../../shared/profile-columns.js';
import { DEFAULT_DEMO_RATE, DEFAULT_DEMO_SPEED } from '../engine/demo/demo-live.js';
import { DEFAULT_CHECKPOINT_POLICY } from '../engine/ingest/ingest-session.js';
import { UserError } from '../engine/user-error.js';
import { defaultDataDir, fraction, wholeNumber } from './cli-output.js';
import { addKafkaOptions, brokersConfigured } from './kafka-options.js';

// Each command's code is loaded when it runs: `serve` then does not wait for faker's locales,
// kafkajs's admin or the ingest threads' code before it listens (faker alone took 0.36 s).

/**
 * One partition per core, up to two: the main thread still finds lines, keeps the windows and
 * writes the timeline, so more partitions than cores only take turns.
 */
const DEFAULT_INGEST_THREADS = Math.min(2, availableParallelism());

/** `c360` (DESIGN §6). Exit 0 on success, 2 on a usage error, 1 on failure, with a one-line message. */

const USAGE_EXIT = 2;
const FAILURE_EXIT = 1;

function buildProgram(): Command {
  const program = new Command('c360')
    .description(
      'Customer 360 engine: ingest clickstream and predictions, keep customer profiles, export them',
    )
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ outputError: (text, write) => write(`c360: ${text.replace(/^error: /, '')}`) });

  const dataDir = () =>
    new Option('--data-dir <dir>', 'folder holding the store').default(
      defaultDataDir(),
      '~/.config/customer360',
    );

  addKafkaOptions(
    program
      .command('ingest')
      .description(
        'ingest files (tracks CSV, JSON lines, customers CSV), Kafka topics (--brokers), or the live demo source (--demo)',
      )
      .argument('[files...]', 'files to ingest')
      .addOption(dataDir())
      .option('--force', 'count a file again even though its content was ingested before')
      .option(
        '--checkpoint-every <records>',
        'save a checkpoint at least every N records',
        wholeNumber('--checkpoint-every', 1),
        DEFAULT_CHECKPOINT_POLICY.everyRecords,
      )
      .option(
        '--threads <n>',
        'worker threads counting tracks CSV files, each holding the customers whose id hashes to it (0: count in the main thread)',
        // Each thread holds its share of the customers and a batch's work; past a few dozen a
        // typo, not a machine (and each would cost tens of megabytes for nothing).
        wholeNumber('--threads', 0, 64),
        DEFAULT_INGEST_THREADS,
      )
      .addOption(
        new Option(
          '--demo [events]',
          'ingest the embedded demo stream (all events when no number)',
        ).argParser(wholeNumber('--demo', 1)),
      )
      .option('--rate <events>', 'demo events per second (0: as fast as possible)', wholeNumber('--rate'), 0)
      .option(
        '--speed <times>',
        'demo: simulated seconds per real second (24: a simulated day an hour; 1: real time)',
        wholeNumber('--speed', 1),
        DEFAULT_DEMO_SPEED,
      )
      .option('--customers <n>', 'demo customers', wholeNumber('--customers', 1), 5000)
      .option('--seed <n>', 'demo seed', wholeNumber('--seed'), 1),
  )
    .option(
      '--group <id>',
      'group the progress is committed to for lag tools (default: c360-<store id>); offsets live in the store',
    )
    .option('--follow', 'keep reading Kafka instead of stopping at the end offsets seen at start')
    .addOption(
      new Option('--from <where>', 'where a fresh store starts reading a partition').choices([
        'earliest',
        'latest',
      ]),
    )
    .option(
      '--profiles [topic]',
      'read the profiles the Kafka Streams app publishes (default topic customer-profiles) instead of the event topics',
    )
    .option('--dead-letter-topic <topic>', 'also publish quarantined Kafka records to this topic')
    .option(
      '--connect-timeout <seconds>',
      'without --follow, give up after this long without Kafka',
      wholeNumber('--connect-timeout', 1),
      30,
    )
    .action(async (files: string[], opts) => {
      if (files.length === 0 && opts.demo === undefined && brokersConfigured(opts))
        return (await import('./kafka-ingest-command.js')).runKafkaIngest(opts);
      if (opts.brokers) throw new UserError('give files, --demo or --brokers, one at a time');
      return (await import('./ingest-command.js')).runIngest(files, opts);
    });

  addKafkaOptions(
    program
      .command('produce')
      .description('publish sample files or generated demo events to Kafka, keyed by customer id')
      .argument('[files...]', 'files to publish (tracks CSV, JSON lines, customers CSV)')
      .addOption(dataDir())
      .addOption(
        new Option('--demo <events>', 'publish N generated demo events instead of files').argParser(
          wholeNumber('--demo', 1),
        ),
      )
      .option('--rate <messages>', 'messages per second (0: as fast as possible)', wholeNumber('--rate'), 0)
      .option('--customers <n>', 'demo customers', wholeNumber('--customers', 1), 5000)
      .option('--seed <n>', 'demo seed', wholeNumber('--seed'), 1)
      .option(
        '--partitions <n>',
        'partitions for topics that do not exist yet',
        wholeNumber('--partitions', 1),
        3,
      ),
  ).action(async (files: string[], opts) => {
    if (files.length === 0 && opts.demo === undefined)
      throw new UserError('name files to publish, or pass --demo N');
    if (files.length > 0 && opts.demo !== undefined) throw new UserError('give files or --demo, not both');
    return (await import('./produce-command.js')).runProduce(files, opts);
  });

  addKafkaOptions(
    program
      .command('serve')
      .description(
        'run the engine and serve the dashboard to a browser (demo stream unless brokers are configured)',
      )
      .addOption(dataDir())
      .option('--host <address>', 'address to listen on (other than loopback needs a token)', '127.0.0.1')
      .option('--port <n>', 'port (0: any free port)', wholeNumber('--port'), 5360)
      .option(
        '--token <secret>',
        'token the page and API need (off loopback: always, default a random one, printed; on loopback: only when given)',
      )
      .option(
        '--allowed-hosts <names>',
        'further host names the dashboard answers to (comma-separated), e.g. a DNS name of this machine',
      )
      .option(
        '--rate <events>',
        'demo events per second on average (more at rush hour, fewer at night)',
        wholeNumber('--rate'),
        DEFAULT_DEMO_RATE,
      )
      .option(
        '--speed <times>',
        'demo: simulated seconds per real second (24: a simulated day an hour; 1: real time)',
        wholeNumber('--speed', 1),
        DEFAULT_DEMO_SPEED,
      )
      .option(
        '--history <events>',
        'demo: events of history written first into an empty store (0: none)',
        wholeNumber('--history'),
        100_000,
      )
      .option('--customers <n>', 'demo customers', wholeNumber('--customers', 1), 5000)
      .option('--seed <n>', 'demo seed', wholeNumber('--seed'), 1),
  )
    .option(
      '--profiles [topic]',
      'read the profiles the Kafka Streams app publishes (default topic customer-profiles) instead of the event topics',
    )
    .action(async (opts) => (await import('./serve-command.js')).runServe(opts));

  program
    .command('export')
    .description('write live_table.csv and agg_table.csv from the store')
    .requiredOption('--out <dir>', 'folder to write the CSV files to')
    .addOption(dataDir())
    .option(
      '--threshold <risk>',
      'churn risk at which churn_label becomes 1',
      fraction('--threshold'),
      DEFAULT_CHURN_THRESHOLD,
    )
    .action(async (opts) => (await import('./export-command.js')).runExport(opts));

  program
    .command('demo-data')
    .description(
      'write deterministic sample files: tracks.csv, clicks.jsonl, predictions.jsonl, customers.csv',
    )
    .requiredOption('--out <dir>', 'folder to write the files to')
    .option('--customers <n>', 'number of customers', wholeNumber('--customers', 1), 5000)
    .option('--events <n>', 'clickstream events (listens and clicks)', wholeNumber('--events'), 100_000)
    .option('--seed <n>', 'random seed; the same seed gives the same files', wholeNumber('--seed'), 1)
    .action(async (opts) => (await import('./demo-data-command.js')).runDemoData(opts));

  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return USAGE_EXIT;
  }
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; they succeeded.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      process.stderr.write('Run "c360 --help" for usage.\n');
      return USAGE_EXIT;
    }
    if (error instanceof UserError) {
      process.stderr.write(`c360: ${error.message}\n`);
      return FAILURE_EXIT;
    }
    process.stderr.write(`c360: unexpected failure: ${(error as Error).stack ?? error}\n`);
    return FAILURE_EXIT;
  }
}

process.exitCode = await main(process.argv);
