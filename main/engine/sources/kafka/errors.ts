/**
 * Kafka failures, sorted and worded. kafkajs wraps the cause (a socket error, a SASL refusal, a
 * certificate error) in its own errors, sometimes twice; these functions walk the chain.
 */

interface ErrorLike {
  name?: string;
  type?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  originalError?: unknown;
}

function* chain(error: unknown): Generator<ErrorLike> {
  const seen = new Set<unknown>();
  for (let e = error as ErrorLike | undefined; e && typeof e === 'object' && !seen.has(e); ) {
    seen.add(e);
    yield e;
    e = (e.originalError ?? e.cause) as ErrorLike | undefined;
  }
}

/** A required topic is not on the cluster. */
export class TopicMissing extends Error {
  override name = 'TopicMissing';
  constructor(readonly topic: string) {
    super(`topic "${topic}" does not exist on the cluster`);
  }
}

/** The store's offsets belong to another cluster than the one the settings now point at. */
export class OtherCluster extends Error {
  override name = 'OtherCluster';
}

const AUTH_TYPES = /AUTHENTICATION_FAILED|AUTHORIZATION_FAILED|ILLEGAL_SASL_STATE|UNSUPPORTED_SASL_MECHANISM/;
const CERT_CODES =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|ERR_TLS_CERT_ALTNAME_INVALID)/;

export type KafkaFailure =
  | 'authentication'
  | 'authorisation'
  | 'certificate'
  | 'tls-mismatch'
  | 'unreachable'
  | 'topic-missing'
  | 'other-cluster'
  | 'other';

/** What kind of failure this is. */
export function classify(error: unknown): KafkaFailure {
  for (const e of chain(error)) {
    if (e instanceof TopicMissing) return 'topic-missing';
    if (e instanceof OtherCluster) return 'other-cluster';
    if (e.name === 'KafkaJSSASLAuthenticationError') return 'authentication';
    if (e.type && /AUTHORIZATION_FAILED/.test(e.type)) return 'authorisation';
    if (e.type && AUTH_TYPES.test(e.type)) return 'authentication';
    if (e.code && CERT_CODES.test(e.code)) return 'certificate';
    if (e.code === 'EPROTO' || /wrong version number|packet length too long/i.test(e.message ?? ''))
      return 'tls-mismatch';
    if (e.code && /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EAI_AGAIN)$/.test(e.code))
      return 'unreachable';
    if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSNumberOfRetriesExceeded') {
      if (/timeout|closed/i.test(e.message ?? '')) return 'unreachable';
    }
  }
  return 'other';
}

/**
 * What JavaScript throws on a fault in the code (ours or a library's): a wrong type, a bad
 * argument, text that does not parse where the code assumed it would. Network and protocol trouble
 * arrives as kafkajs's errors or system errors, never as these.
 */
const FAULT_NAMES = new Set(['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'ReadingFault']);

/** The reading threw on message after message (whatever it threw): a fault, not the connection. */
export class ReadingFault extends Error {
  override name = 'ReadingFault';
}

/** A fault in the code rather than trouble with the connection (see FAULT_NAMES). */
export function isProgramFault(error: unknown): boolean {
  for (const e of chain(error)) if (e.name !== undefined && FAULT_NAMES.has(e.name)) return true;
  return false;
}

/** Errors that retrying will not fix without a change of settings. */
export function isFatal(error: unknown): boolean {
  const kind = classify(error);
  return (
    kind === 'authentication' ||
    kind === 'authorisation' ||
    kind === 'certificate' ||
    kind === 'tls-mismatch' ||
    kind === 'other-cluster'
  );
}

/** The error's own words, with the innermost cause when it adds something. */
export function describeError(error: unknown): string {
  const e = error as ErrorLike;
  const inner =
    (e.originalError as ErrorLike | undefined)?.message ?? (e.cause as ErrorLike | undefined)?.message;
  const text = e.message ?? String(error);
  return inner && !text.includes(inner) ? `${text}: ${inner}` : text;
}

/** In plain words: what went wrong and what to change, for people setting up a connection. */
export function explain(error: unknown): { problem: string; fix: string } {
  const detail = describeError(error);
  switch (classify(error)) {
    case 'authentication':
      return {
        problem: `The cluster refused the login (${detail}).`,
        fix: 'Check the SASL mechanism, user name and password; they must match a user the cluster knows.',
      };
    case 'authorisation':
      return {
        problem: `The cluster accepted the login but refused access (${detail}).`,
        fix: 'Ask the cluster administrator to allow this user to describe and read the topics and to use the consumer group.',
      };
    case 'certificate':
      return {
        problem: `The broker's TLS certificate is not trusted (${detail}).`,
        fix: "Choose the CA certificate (PEM) that signed the broker's certificate.",
      };
    case 'tls-mismatch':
      return {
        problem: `TLS and the broker's listener do not match (${detail}).`,
        fix: 'Turn TLS on or off to match the listener at this address, or use the address of a listener that matches.',
      };
    case 'unreachable':
      return {
        problem: `No broker answered (${detail}).`,
        fix: 'Check the bootstrap servers (host:port), that the cluster is up, and that this machine can reach it (VPN, firewall).',
      };
    case 'topic-missing':
      return {
        problem: detail,
        fix: 'Check the topic names, or create the topic on the cluster.',
      };
    case 'other-cluster':
      return {
        problem: detail,
        fix: 'Make a new connection for the other cluster (it gets its own store), or point this one back.',
      };
    default:
      return {
        problem: detail,
        fix: 'Check the connection settings; the message above is what the client reported.',
      };
  }
}
