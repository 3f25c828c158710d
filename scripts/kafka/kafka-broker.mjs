#!/usr/bin/env node
// A real Apache Kafka broker for tests and benchmarks: one KRaft node on 127.0.0.1, run from
// Kafka's own jars fetched from Maven Central (scripts/kafka/pom.xml; cached in .kafka/libs).
//
//   node scripts/kafka/kafka-broker.mjs fetch                 fetch the jars (no-op when cached)
//   node scripts/kafka/kafka-broker.mjs start [--dir DIR]     format storage, start, wait until ready
//   node scripts/kafka/kafka-broker.mjs stop [--dir DIR] [--force]
//
// It listens on four free ports: PLAINTEXT (the brokers to use), SASL_PLAINTEXT (user "c360",
// password "c360-secret", mechanisms PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512), SSL (a self-signed
// certificate for 127.0.0.1, made with keytool; clients trust <dir>/ca.pem) and the controller.
// Topics are not auto-created, so a missing topic is a real error, as on most clusters.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const pom = join(here, 'pom.xml');
export const LIBS = join(root, '.kafka', 'libs');
export const SASL_USER = { username: 'c360', password: 'c360-secret' };
const STORE_PASSWORD = 'c360-keystore';

export function kafkaVersion() {
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(pom, 'utf8'))?.[1];
}

/** Copies Kafka's runtime classpath into .kafka/libs with Maven, unless that version is there. */
export function fetchKafkaJars({ quiet = false } = {}) {
  const version = kafkaVersion();
  const stamp = join(LIBS, '.version');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === version) return version;
  rmSync(LIBS, { recursive: true, force: true });
  if (!quiet) process.stderr.write(`Fetching Apache Kafka ${version} jars from Maven Central…\n`);
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      pom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${LIBS}`,
      '-DincludeScope=runtime',
    ],
    {
      stdio: quiet ? 'pipe' : 'inherit',
    },
  );
  writeFileSync(stamp, version);
  return version;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function canConnect(port) {
  return new Promise((done) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}

function serverProperties(dir, ports) {
  return `process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:${ports.controller}
listeners=PLAINTEXT://127.0.0.1:${ports.plain},CONTROLLER://127.0.0.1:${ports.controller},SASL_PLAINTEXT://127.0.0.1:${ports.sasl},SSL://127.0.0.1:${ports.ssl}
advertised.listeners=PLAINTEXT://127.0.0.1:${ports.plain},SASL_PLAINTEXT://127.0.0.1:${ports.sasl},SSL://127.0.0.1:${ports.ssl}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL
ssl.keystore.type=PKCS12
ssl.keystore.location=${join(dir, 'server.p12')}
ssl.keystore.password=${STORE_PASSWORD}
ssl.key.password=${STORE_PASSWORD}
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${SASL_USER.username}="${SASL_USER.password}";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
log.dirs=${join(dir, 'data')}
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
`;
}

function log4jConfig(dir) {
  return `Configuration:
  Appenders:
    File:
      name: file
      fileName: ${join(dir, 'broker.log')}
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: file
`;
}

/** A self-signed certificate for 127.0.0.1 in a PKCS12 keystore, and its PEM for clients. */
function makeCertificate(dir) {
  const keystore = join(dir, 'server.p12');
  const common = ['-keystore', keystore, '-storetype', 'PKCS12', '-storepass', STORE_PASSWORD];
  execFileSync(
    'keytool',
    [
      '-genkeypair',
      '-alias',
      'broker',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-validity',
      '3650',
      '-dname',
      'CN=127.0.0.1',
      '-ext',
      'SAN=IP:127.0.0.1,DNS:localhost',
      '-keypass',
      STORE_PASSWORD,
      ...common,
    ],
    { stdio: 'pipe' },
  );
  execFileSync(
    'keytool',
    ['-exportcert', '-rfc', '-alias', 'broker', '-file', join(dir, 'ca.pem'), ...common],
    { stdio: 'pipe' },
  );
}

/** One broker process. `stop()` and `start()` again keep its ports and data (a restart). */
export class KafkaBroker {
  constructor(dir, ports) {
    this.dir = dir;
    this.ports = ports;
    this.process = null;
  }

  get brokers() {
    return `127.0.0.1:${this.ports.plain}`;
  }

  get saslBrokers() {
    return `127.0.0.1:${this.ports.sasl}`;
  }

  get sslBrokers() {
    return `127.0.0.1:${this.ports.ssl}`;
  }

  /** The certificate SSL clients should trust (it is self-signed). */
  get caPath() {
    return join(this.dir, 'ca.pem');
  }

  /** Formats fresh storage in `dir` and starts the broker. */
  static async create(dir, { quiet = true } = {}) {
    fetchKafkaJars({ quiet });
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const ports = {
      plain: await freePort(),
      sasl: await freePort(),
      ssl: await freePort(),
      controller: await freePort(),
    };
    makeCertificate(dir);
    writeFileSync(join(dir, 'server.properties'), serverProperties(dir, ports));
    writeFileSync(join(dir, 'log4j2.yaml'), log4jConfig(dir));
    writeFileSync(join(dir, 'ports.json'), JSON.stringify(ports));
    const scram = (m) => ['--add-scram', `${m}=[name=${SASL_USER.username},password=${SASL_USER.password}]`];
    // `--cluster-id=` form: a random id may begin with "-", which would read as an option.
    const format = [
      '-cp',
      `${LIBS}/*`,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${randomBytes(16).toString('base64url')}`,
      '-c',
      join(dir, 'server.properties'),
      '--standalone',
      ...scram('SCRAM-SHA-256'),
      ...scram('SCRAM-SHA-512'),
    ];
    try {
      execFileSync('java', format, { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`formatting Kafka storage failed: ${String(error.stderr ?? error.message).trim()}`);
    }
    const broker = new KafkaBroker(dir, ports);
    await broker.start();
    return broker;
  }

  async start({ timeoutMs = 60_000 } = {}) {
    const out = openSync(join(this.dir, 'stdout.log'), 'a');
    this.process = spawn(
      'java',
      [
        '-Xms256m',
        '-Xmx768m',
        `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.yaml')}`,
        '-cp',
        `${LIBS}/*`,
        'kafka.Kafka',
        join(this.dir, 'server.properties'),
      ],
      { stdio: ['ignore', out, out], detached: true },
    );
    writeFileSync(join(this.dir, 'broker.pid'), String(this.process.pid));
    let exited = null;
    this.process.once('exit', (code, signal) => {
      exited = { code, signal };
    });
    const deadline = Date.now() + timeoutMs;
    // Ready = the log says the server started and the client port answers.
    while (Date.now() < deadline) {
      if (exited)
        throw new Error(
          `Kafka exited during start (${JSON.stringify(exited)}); see ${join(this.dir, 'broker.log')}`,
        );
      const logPath = join(this.dir, 'broker.log');
      const started = existsSync(logPath) && readFileSync(logPath, 'utf8').includes('Kafka Server started');
      if (started && (await canConnect(this.ports.plain))) return;
      await sleep(200);
    }
    throw new Error(
      `Kafka did not become ready within ${timeoutMs / 1000} s; see ${join(this.dir, 'broker.log')}`,
    );
  }

  /** Clean shutdown (SIGTERM), or SIGKILL with `force` or when it takes longer than 30 s. */
  async stop({ force = false } = {}) {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(force ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    // The port may linger for a moment after exit; wait so a restart can bind it.
    for (let i = 0; i < 50 && (await canConnect(this.ports.plain)); i++) await sleep(100);
  }
}

/** Stops a broker started by `start` in another process, from its pid file. */
async function stopByPidFile(dir, force) {
  const pidFile = join(dir, 'broker.pid');
  if (!existsSync(pidFile)) {
    process.stderr.write(`No broker pid file in ${dir}; nothing to stop.\n`);
    return;
  }
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) process.kill(pid, force ? 'SIGKILL' : 'SIGTERM');
  for (let i = 0; i < 300 && alive(); i++) await sleep(100);
  if (alive()) process.kill(pid, 'SIGKILL');
  rmSync(pidFile, { force: true });
  process.stdout.write(`Stopped Kafka (pid ${pid}).\n`);
}

async function main(argv) {
  const [command, ...rest] = argv;
  const dirFlag = rest.indexOf('--dir');
  const dir = resolve(dirFlag >= 0 ? rest[dirFlag + 1] : join(root, '.kafka', 'broker'));
  if (command === 'fetch') {
    process.stdout.write(`Apache Kafka ${fetchKafkaJars()} jars in ${LIBS}\n`);
  } else if (command === 'start') {
    const broker = await KafkaBroker.create(dir, { quiet: false });
    broker.process.unref();
    process.stdout.write(
      `Kafka ${kafkaVersion()} ready: KAFKA_BROKERS=${broker.brokers} (SASL: ${broker.saslBrokers}, user ${SASL_USER.username}/${SASL_USER.password}; SSL: ${broker.sslBrokers}, CA ${broker.caPath}); stop with: node scripts/kafka/kafka-broker.mjs stop --dir ${dir}\n`,
    );
    process.exit(0);
  } else if (command === 'stop') {
    await stopByPidFile(dir, rest.includes('--force'));
  } else {
    process.stderr.write('usage: kafka-broker.mjs fetch | start [--dir DIR] | stop [--dir DIR] [--force]\n');
    process.exit(2);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`kafka-broker: ${error.message}\n`);
    process.exit(1);
  });
}
